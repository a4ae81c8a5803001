#include "models/satisfaction.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

#include <tbb/parallel_for.h>

#include "core/rng.hpp"
#include "core/streams.hpp"

namespace lifecircle {

double threshold_normal(std::uint64_t seed, std::uint64_t resident) {
    const CounterRng rng(seed, streams::kThreshold);
    const double u1 = std::max(rng.uniform(2 * resident), 1e-12), u2 = rng.uniform(2 * resident + 1);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.141592653589793 * u2);
}

std::vector<ScorePlace> score_places(const World& w, const FacilityReach& reach) {
    const Scenario& sc = w.scenario;
    const std::size_t nn = w.network.num_nodes(), nc = sc.categories.size();
    constexpr int kClasses = 3;  // basic, quality, government
    std::vector<ScorePlace> places(nn * kAgeGroups);
    std::array<int, kClasses> per_class{};
    for (const auto& c : sc.categories) per_class[static_cast<int>(c.cls)] += c.scored ? 1 : 0;
    tbb::parallel_for(std::size_t{0}, nn, [&](std::size_t v) {
        for (int a = 0; a < kAgeGroups; ++a) {
            std::array<double, kClasses> sum{};
            for (std::size_t c = 0; c < nc; ++c)
                if (sc.categories[c].scored)
                    sum[static_cast<int>(sc.categories[c].cls)] +=
                        ring_score(reach.nearest(c, static_cast<std::uint32_t>(v)), sc.ring_metres(c, a));
            std::array<float, kClasses> part{};
            for (int k = 0; k < kClasses; ++k) part[k] = static_cast<float>(per_class[k] ? sum[k] / per_class[k] : 1.0);
            places[v * kAgeGroups + a] = {part[0], part[1], part[2]};
        }
    });
    return places;
}

void score_residents(const World& w, std::span<const ScorePlace> places, const ResidentMonth& month,
                     std::vector<std::uint8_t>& satisfied, std::size_t first, std::size_t last) {
    const auto& res = w.residents;
    const SatisfactionModel& m = w.scenario.satisfaction;
    satisfied.resize(res.size(), 0);
    last = std::min(last, res.size());
    if (first >= last) return;
    tbb::parallel_for(first, last, [&](std::size_t i) {
        satisfied[i] = verdict(m, places[res.home_node[i] * kAgeGroups + res.age[i]], month.needs[i], month.unmet[i],
                               month.night_unmet[i] != 0, month.threshold[i]);
    });
}

Rescored rescore_month(const SatisfactionModel& m, std::uint64_t seed, std::uint64_t month_index, int survey_sample,
                       std::size_t districts, std::span<const std::uint32_t> home_node,
                       std::span<const std::uint8_t> age, std::span<const std::uint16_t> district,
                       std::span<const double> normal, std::span<const ScorePlace> places,
                       std::span<const ScoreResident> residents) {
    // one draw of rescore_month_thresholds: the same verdicts (resident_score against
    // threshold_from_normal, as verdict compares them) and the same survey sample
    const double mean = m.threshold_mean, sd = m.threshold_sd;
    RescoredMany many = rescore_month_thresholds(m, {&mean, 1}, {&sd, 1}, seed, month_index, survey_sample, districts,
                                                 home_node, age, district, normal, places, residents);
    return {std::move(many.satisfied), std::move(many.survey_satisfied), std::move(many.survey_n)};
}

std::vector<std::uint32_t> survey_sample(std::uint64_t seed, std::size_t d, std::uint64_t month_index, int sample,
                                         std::span<const std::uint32_t> members) {
    std::vector<std::uint32_t> out;
    if (members.empty()) return out;
    const CounterRng rng(seed, streams::survey(d));
    for (int k = 0; k < sample; ++k)
        out.push_back(members[rng.below(month_index * 100000 + static_cast<std::uint64_t>(k), members.size())]);
    return out;
}

Survey emulate_survey(std::uint64_t seed, std::size_t d, std::uint64_t month_index, int sample,
                      std::span<const std::uint32_t> members, std::span<const std::uint8_t> satisfied) {
    std::int64_t yes = 0;
    for (auto i : survey_sample(seed, d, month_index, sample, members)) yes += satisfied[i];
    return survey_record(sample, yes, members.size());
}

Survey survey_record(int sample, std::int64_t satisfied, std::size_t members) {
    Survey s;
    if (members == 0) return s;
    s.n = sample;
    s.satisfied = satisfied;
    std::tie(s.low, s.high) = wilson_interval(s.satisfied, s.n);
    return s;
}

RescoredMany rescore_month_thresholds(const SatisfactionModel& m, std::span<const double> means,
                                      std::span<const double> sds, std::uint64_t seed, std::uint64_t month_index,
                                      int survey_sample_size, std::size_t districts,
                                      std::span<const std::uint32_t> home_node, std::span<const std::uint8_t> age,
                                      std::span<const std::uint16_t> district, std::span<const double> normal,
                                      std::span<const ScorePlace> places, std::span<const ScoreResident> residents) {
    const std::size_t n = residents.size(), draws = means.size();
    if (sds.size() != draws) throw std::invalid_argument("rescore_month_thresholds: means and sds differ in length");
    if (home_node.size() < n || age.size() < n || district.size() < n || normal.size() < n)
        throw std::invalid_argument("rescore_month_thresholds: fewer residents' homes, ages, districts or draws");
    for (std::size_t i = 0; i < n; ++i)
        if (std::size_t{home_node[i]} * kAgeGroups + age[i] >= places.size())
            throw std::invalid_argument("rescore_month_thresholds: resident " + std::to_string(i) +
                                        "'s home lies outside the recorded ring parts");
    std::vector<double> score(n);
    tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) {
        const ScoreResident& r = residents[i];
        score[i] = resident_score(m, places[std::size_t{home_node[i]} * kAgeGroups + age[i]], r.needs, r.unmet,
                                  r.night_unmet != 0);
    });
    std::vector<std::vector<std::uint32_t>> members(districts), asked(districts);
    for (std::size_t i = 0; i < n; ++i)
        if (district[i] < districts) members[district[i]].push_back(static_cast<std::uint32_t>(i));
    RescoredMany out;
    out.survey_n.assign(districts, 0);
    for (std::size_t d = 0; d < districts; ++d) {
        asked[d] = survey_sample(seed, d, month_index, survey_sample_size, members[d]);
        out.survey_n[d] = members[d].empty() ? 0 : survey_sample_size;
    }
    out.satisfied.assign(draws * districts, 0);
    out.survey_satisfied.assign(draws * districts, 0);
    tbb::parallel_for(std::size_t{0}, draws, [&](std::size_t j) {
        SatisfactionModel mj = m;
        mj.threshold_mean = means[j];
        mj.threshold_sd = sds[j];
        auto meets = [&](std::uint32_t i) { return score[i] >= threshold_from_normal(mj, normal[i]) ? 1 : 0; };
        for (std::size_t d = 0; d < districts; ++d) {
            std::int64_t k = 0, q = 0;
            for (auto i : members[d]) k += meets(i);
            for (auto i : asked[d]) q += meets(i);
            out.satisfied[j * districts + d] = k;
            out.survey_satisfied[j * districts + d] = q;
        }
    });
    return out;
}

std::pair<double, double> wilson_interval(std::int64_t k, std::int64_t n) {
    if (n <= 0) return {0.0, 1.0};
    const double z = 1.959963984540054, p = static_cast<double>(k) / static_cast<double>(n);
    const double nn = static_cast<double>(n), denom = 1 + z * z / nn;
    const double centre = (p + z * z / (2 * nn)) / denom;
    const double half = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / denom;
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

}  // namespace lifecircle
