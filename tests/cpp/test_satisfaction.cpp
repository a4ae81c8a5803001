// Satisfaction and the emulated survey (models/satisfaction.hpp).
#include <cmath>
#include <cstdint>
#include <limits>
#include <tuple>
#include <vector>

#include "catch.hpp"
#include "core/world.hpp"
#include "fixtures.hpp"
#include "models/destination_choice.hpp"
#include "models/facility_reach.hpp"
#include "models/satisfaction.hpp"
#include "models/world_builder.hpp"

using namespace lifecircle;
using lc_test::Approx;

TEST_CASE("ring score: one half at the ring, falling with distance, zero out of reach", "[satisfaction]") {
    CHECK(ring_score(800.0, 800.0) == Approx(0.5).epsilon(1e-12));
    CHECK(ring_score(0.0, 800.0) > 0.98);
    CHECK(ring_score(400.0, 800.0) > ring_score(1200.0, 800.0));
    CHECK(ring_score(std::numeric_limits<double>::infinity(), 800.0) == 0.0);
}

TEST_CASE("thresholds are normal(mean, sd), fixed per resident, clipped", "[satisfaction][stochastic]") {
    // stochastic: 20,000 residents, fixed seed; mean within 4 standard errors (0.1 / sqrt(20000) x 4)
    SatisfactionModel m;
    double sum = 0, sum2 = 0;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
        const float t = satisfaction_threshold(m, 11, static_cast<std::uint64_t>(i));  // held as a float
        REQUIRE(t >= 0.05f);
        REQUIRE(t <= 0.99f);
        sum += t;
        sum2 += t * t;
    }
    const double mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean);
    CHECK(std::abs(mean - m.threshold_mean) < 4 * m.threshold_sd / std::sqrt(n));
    CHECK(sd == Approx(m.threshold_sd).epsilon(0.03));
    CHECK(satisfaction_threshold(m, 11, 5) == satisfaction_threshold(m, 11, 5));
    CHECK(satisfaction_threshold(m, 11, 5) != satisfaction_threshold(m, 12, 5));
}

TEST_CASE("Wilson interval: known values and the edges", "[satisfaction][survey]") {
    auto [lo, hi] = wilson_interval(50, 100);
    CHECK(lo == Approx(0.4038).margin(1e-4));
    CHECK(hi == Approx(0.5962).margin(1e-4));
    std::tie(lo, hi) = wilson_interval(0, 400);
    CHECK(lo == Approx(0.0).margin(1e-12));
    CHECK(hi == Approx(0.00952).margin(1e-4));
    CHECK(wilson_interval(0, 0) == std::pair<double, double>{0.0, 1.0});
}

TEST_CASE("the emulated survey samples the district's residents with replacement, reproducibly",
          "[satisfaction][survey][stochastic]") {
    std::vector<std::uint32_t> members(1000);
    std::vector<std::uint8_t> satisfied(1000, 0);
    for (std::uint32_t i = 0; i < 1000; ++i) {
        members[i] = i;
        satisfied[i] = i < 300;  // 30% satisfied
    }
    const Survey a = emulate_survey(3, 0, 5, 400, members, satisfied);
    CHECK(a.n == 400);
    // stochastic: binomial(400, 0.3) has sd 9.2; 4 sd
    CHECK(std::abs(static_cast<double>(a.satisfied) - 120.0) < 37.0);
    CHECK(a.low < 0.3);
    CHECK(a.high > 0.3);
    const Survey again = emulate_survey(3, 0, 5, 400, members, satisfied);
    CHECK(again.satisfied == a.satisfied);
    CHECK(emulate_survey(3, 0, 6, 400, members, satisfied).satisfied != a.satisfied);  // another month's sample
    CHECK(emulate_survey(3, 0, 5, 400, {}, satisfied).n == 0);
}

TEST_CASE("scores: unmet needs and an unmet night need lower a resident's verdict", "[satisfaction][behaviour]") {
    const World w = build_world(test::tiny_scenario());
    const FacilityReach reach(w, ChoiceCache::kMaxK, 1500.0);
    const std::size_t n = w.residents.size();
    std::vector<std::uint16_t> needs(n, 10), none(n, 0), all(n, 10), night(n, 1);
    std::vector<float> threshold(n, 0.0f);
    std::vector<std::uint8_t> satisfied;
    const std::vector<ScorePlace> places = score_places(w, reach);
    score_residents(w, places, {needs, none, none, threshold}, satisfied);
    CHECK(std::count(satisfied.begin(), satisfied.end(), 1) == static_cast<long>(n));  // threshold 0: everyone
    // at the same thresholds, every resident satisfied with all needs unmet (and one at night)
    // is satisfied with them met, and more residents are
    threshold.assign(n, 0.6f);
    std::vector<std::uint8_t> unmet_verdict, met_verdict;
    score_residents(w, places, {needs, all, night, threshold}, unmet_verdict);
    score_residents(w, places, {needs, none, none, threshold}, met_verdict);
    for (std::size_t i = 0; i < n; ++i)
        if (unmet_verdict[i]) REQUIRE(met_verdict[i]);
    CHECK(std::count(met_verdict.begin(), met_verdict.end(), 1) >
          std::count(unmet_verdict.begin(), unmet_verdict.end(), 1));
}

TEST_CASE("scores: a recorded month re-scored under another model gives that model's verdicts",
          "[satisfaction][rescore]") {
    // rescore_month must be the run's rule: checked here resident by resident against
    // score_residents with the thresholds a run under the other model would hold
    const World w = build_world(test::tiny_scenario());
    const FacilityReach reach(w, ChoiceCache::kMaxK, 1500.0);
    const std::size_t n = w.residents.size(), nd = w.scenario.districts.size();
    const std::vector<ScorePlace> places = score_places(w, reach);
    std::vector<std::uint16_t> needs(n), unmet(n), night(n);
    std::vector<ScoreResident> rows(n);
    std::vector<double> normal(n);
    for (std::size_t i = 0; i < n; ++i) {
        needs[i] = static_cast<std::uint16_t>(i % 7);
        unmet[i] = static_cast<std::uint16_t>(needs[i] ? i % 3 % (needs[i] + 1) : 0);
        night[i] = i % 11 == 0 ? 1 : 0;
        rows[i] = {needs[i], unmet[i], static_cast<std::uint8_t>(night[i])};
        normal[i] = threshold_normal(5, i);
    }
    for (const auto& [mean, sd, basic] : {std::tuple{0.6, 0.1, 0.65}, {0.7, 0.05, 0.5}, {0.75, 0.2, 0.8}}) {
        SatisfactionModel m;
        m.threshold_mean = mean;
        m.threshold_sd = sd;
        m.weight_basic = basic;
        m.weight_quality = 0.8 - basic;
        Scenario sc = w.scenario;
        sc.satisfaction = m;
        World other = w;
        other.scenario = sc;
        std::vector<float> threshold(n);
        for (std::size_t i = 0; i < n; ++i) threshold[i] = satisfaction_threshold(m, 5, i);
        std::vector<std::uint8_t> satisfied;
        score_residents(other, places, {needs, unmet, night, threshold}, satisfied);
        const Rescored r = rescore_month(m, 5, 3, 50, nd, w.residents.home_node, w.residents.age, w.residents.district,
                                         normal, places, rows);
        std::vector<std::int64_t> expected(nd, 0);
        std::vector<std::vector<std::uint32_t>> members(nd);
        for (std::size_t i = 0; i < n; ++i) {
            expected[w.residents.district[i]] += satisfied[i];
            members[w.residents.district[i]].push_back(static_cast<std::uint32_t>(i));
        }
        for (std::size_t d = 0; d < nd; ++d) {
            CHECK(r.satisfied[d] == expected[d]);
            CHECK(r.survey_satisfied[d] == emulate_survey(5, d, 3, 50, members[d], satisfied).satisfied);
        }
    }
}
