// Maximal covering (core/covering.hpp): the pairs by network distance, greedy, and exact
// (HiGHS) against every subset.
#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <set>
#include <tuple>
#include <vector>

#include "catch.hpp"
#include "core/covering.hpp"
#include "core/error.hpp"
#include "fixtures.hpp"

using namespace lifecircle;
using lifecircle::test::line_network;

namespace {

/// A grid of side x side nodes, edges of random lengths (50-150 m) from `seed`.
WalkNetwork grid(int side, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> len(50.0, 150.0);
    std::vector<std::tuple<int, int, double>> edges;
    for (int r = 0; r < side; ++r)
        for (int c = 0; c < side; ++c) {
            const int v = r * side + c;
            if (c + 1 < side) edges.emplace_back(v, v + 1, len(rng));
            if (r + 1 < side) edges.emplace_back(v, v + side, len(rng));
        }
    return line_network(static_cast<std::size_t>(side * side), edges);
}

/// The weight a set of candidates (indices) covers, by the problem's pairs.
double covered_by(const CoverProblem& p, const std::vector<std::uint32_t>& chosen) {
    std::set<std::uint32_t> rows;
    for (std::size_t k = 0; k < p.rows.size(); ++k)
        if (std::find(chosen.begin(), chosen.end(), p.cols[k]) != chosen.end()) rows.insert(p.rows[k]);
    double w = 0;
    for (auto r : rows) w += p.weights[r];
    return w;
}

/// The best weight any `count` candidates cover: every subset of that size.
double brute_force(const CoverProblem& p, int count) {
    const auto n = p.candidates.size();
    double best = 0;
    std::vector<std::uint8_t> pick(n, 0);
    std::fill(pick.begin(), pick.begin() + std::min<std::size_t>(n, static_cast<std::size_t>(count)), 1);
    std::sort(pick.begin(), pick.end());
    do {
        std::vector<std::uint32_t> chosen;
        for (std::uint32_t j = 0; j < n; ++j)
            if (pick[j]) chosen.push_back(j);
        best = std::max(best, covered_by(p, chosen));
    } while (std::next_permutation(pick.begin(), pick.end()));
    return best;
}

/// A random covering problem on grid(6, seed): each node a candidate with odds 1 in
/// `one_in` (at most `most` of them) and demand with odds 1 in 2, weight 1-20, in one of two
/// paces' rings; the draws from std::mt19937(seed * salt).
CoverProblem random_problem(unsigned seed, unsigned salt, unsigned one_in, std::size_t most) {
    const auto net = grid(6, seed);
    std::mt19937 rng(seed * salt);
    std::vector<std::uint32_t> candidates, demand;
    std::vector<double> weights, rings;
    for (std::uint32_t v = 0; v < 36; ++v) {
        if (rng() % one_in == 0 && candidates.size() < most) candidates.push_back(v);
        if (rng() % 2 == 0) {
            demand.push_back(v);
            weights.push_back(static_cast<double>(1 + rng() % 20));
            rings.push_back(rng() % 2 ? 180.0 : 260.0);  // two paces
        }
    }
    return coverage_problem(net, candidates, demand, weights, rings);
}

}  // namespace

TEST_CASE("coverage pairs are the candidates inside each demand entry's own ring", "[covering]") {
    // a line 0-1-2-3, 100 m apart; candidates at 0 and 3; node 1 twice (two paces), node 2 once
    const auto net = line_network(4, {{0, 1, 100}, {1, 2, 100}, {2, 3, 100}});
    const std::vector<std::uint32_t> candidates{0, 3}, demand{1, 1, 2};
    const std::vector<double> weights{5, 7, 2}, rings{100, 250, 100};
    const auto p = coverage_problem(net, candidates, demand, weights, rings);
    // entry 0 (node 1, 100 m): candidate 0 only; entry 1 (250 m): both; entry 2 (node 2, 100 m): candidate 3
    CHECK(p.rows == std::vector<std::uint32_t>{0, 1, 1, 2});
    CHECK(p.cols == std::vector<std::uint32_t>{0, 0, 1, 1});
    const std::vector<double> one{1.0};
    CHECK_THROWS_AS(coverage_problem(net, candidates, demand, one, rings), ArgumentError);
    const std::vector<std::uint32_t> outside{9};
    CHECK_THROWS_AS(coverage_problem(net, outside, demand, weights, rings), ArgumentError);
}

TEST_CASE("greedy covering takes the most uncovered weight first and stops when nothing is left", "[covering]") {
    const auto net = line_network(7, {{0, 1, 100}, {1, 2, 100}, {2, 3, 100}, {3, 4, 100}, {4, 5, 100}, {5, 6, 100}});
    const std::vector<std::uint32_t> candidates{0, 1, 2, 3, 4, 5, 6}, demand{0, 1, 2, 3, 4, 5, 6};
    const std::vector<double> weights{1, 1, 1, 5, 1, 1, 1}, rings(7, 150.0);
    const auto p = coverage_problem(net, candidates, demand, weights, rings);
    const auto g = max_cover(p, 5, "greedy");
    // 2, 3 and 4 tie at 7 (node 3 and two neighbours each): the earlier, node 2 (nodes 1-3);
    // then node 5 (nodes 4-6: 3), then node 0 (node 0: 1, before node 1's equal 1); then
    // nothing is left (11 in all)
    CHECK(g.sites == std::vector<std::uint32_t>{2, 5, 0});
    CHECK(g.gains == std::vector<double>{7, 3, 1});
    CHECK(g.covered == 11);
    CHECK(g.method == "greedy");
    CHECK_THROWS_AS(max_cover(p, 2, "random"), ArgumentError);
    CHECK_THROWS_AS(max_cover(p, -1, "greedy"), ArgumentError);
    CHECK(max_cover(p, 0, "greedy").sites.empty());
}

TEST_CASE("exact covering finds the best subset, never less than greedy", "[covering]") {
    if (!exact_cover_available()) {
        const CoverProblem p{{0}, {1.0}, {0}, {0}};
        CHECK_THROWS_WITH(max_cover(p, 1, "exact"), lc_test::Contains("needs HiGHS"));
        SKIP_OR_RETURN("this build has no HiGHS (scripts/highs.sh): exact covering not checked");
    }
    for (unsigned seed = 1; seed <= 12; ++seed) {
        const auto p = random_problem(seed, 7919U, 4, 9);
        for (int count = 1; count <= 3; ++count) {
            const auto e = max_cover(p, count, "exact");
            const auto g = max_cover(p, count, "greedy");
            INFO("seed " << seed << ", count " << count);
            CHECK(e.covered == brute_force(p, count));
            CHECK(e.covered >= g.covered);
            CHECK(e.status == "optimal");
            CHECK(static_cast<int>(e.sites.size()) <= count);
            // the gains are in order, each what its site adds to those before it
            for (std::size_t k = 1; k < e.gains.size(); ++k) CHECK(e.gains[k] <= e.gains[k - 1]);
            std::vector<std::uint32_t> idx;
            for (auto s : e.sites)
                idx.push_back(static_cast<std::uint32_t>(std::find(p.candidates.begin(), p.candidates.end(), s) -
                                                         p.candidates.begin()));
            CHECK(covered_by(p, idx) == e.covered);
        }
    }
}

TEST_CASE("cover bounds are never below what p sites can cover, and exact for one site", "[covering]") {
    // The project lists skip an integer programme whose bound is short of the target
    // (models/project_list.cpp): a bound below the true optimum would change a list.
    for (unsigned seed = 1; seed <= 12; ++seed) {
        const auto p = random_problem(seed, 104729U, 3, 10);
        const int count = 5;
        const auto bound = cover_bounds(p, count);
        REQUIRE(bound.size() == static_cast<std::size_t>(count) + 1);
        std::vector<std::uint32_t> every(p.candidates.size());
        std::iota(every.begin(), every.end(), 0U);
        INFO("seed " << seed);
        CHECK(bound[static_cast<std::size_t>(count)] == covered_by(p, every));
        CHECK(bound[0] == brute_force(p, 1));  // f(G_0) + the best single gain is the optimum
        for (int q = 1; q <= count; ++q) {
            INFO("p " << q);
            CHECK(bound[static_cast<std::size_t>(q - 1)] >= brute_force(p, q));
            if (q > 1) CHECK(bound[static_cast<std::size_t>(q - 1)] >= bound[static_cast<std::size_t>(q - 2)]);
        }
    }
    CHECK_THROWS_AS(cover_bounds(CoverProblem{}, -1), ArgumentError);
}

TEST_CASE("one exact site: a unique best without the solver, ties through it", "[covering]") {
    if (!exact_cover_available()) SKIP_OR_RETURN("this build has no HiGHS (scripts/highs.sh)");
    const auto net = line_network(5, {{0, 1, 100}, {1, 2, 100}, {2, 3, 100}, {3, 4, 100}});
    const std::vector<std::uint32_t> candidates{0, 2, 4}, demand{0, 1, 2, 3, 4};
    const std::vector<double> rings(5, 150.0);
    // node 2 covers 1-3 (weight 6 against 2 + 1 and 1 + 2): unique
    const std::vector<double> unique{2, 1, 3, 2, 1};
    const auto a = max_cover(coverage_problem(net, candidates, demand, unique, rings), 1, "exact");
    CHECK(a.sites == std::vector<std::uint32_t>{2});
    CHECK(a.covered == 6);
    CHECK(a.method == "exact");
    CHECK(a.status == "optimal");
    // nodes 0 and 4 tie at 5, node 2 covers 4: the solver's choice, one of the two, covering 5
    const std::vector<double> tie{4, 1, 2, 1, 4};
    const auto b = max_cover(coverage_problem(net, candidates, demand, tie, rings), 1, "exact");
    REQUIRE(b.sites.size() == 1);
    CHECK((b.sites[0] == 0 || b.sites[0] == 4));
    CHECK(b.covered == 5);
}

TEST_CASE("whether p sites reach a weight: yes exactly when the best p sites do", "[covering]") {
    // The project lists skip the full programme for counts that cannot reach the target
    // (models/project_list.cpp): a wrong "no" would change a list, a wrong "yes" only costs time.
    for (unsigned seed = 1; seed <= 10; ++seed) {
        const auto p = random_problem(seed, 15485863U, 3, 9);
        for (int count = 1; count <= 3; ++count) {
            const double best = brute_force(p, count);
            INFO("seed " << seed << ", count " << count << ", best " << best);
            CHECK(cover_reaches(p, count, 0.0) == true);
            CHECK(cover_reaches(p, count, best - 0.5) == true);
            if (exact_cover_available()) {
                CHECK(cover_reaches(p, count, best + 0.5) == false);  // the half-unit margin of integer weights
                CHECK(cover_reaches(p, count, best + 40.0) == false);
            } else {
                CHECK(cover_reaches(p, count, best + 0.5) != true);
            }
        }
    }
    CHECK(cover_reaches(CoverProblem{}, 3, 1.0) == false);
    CHECK_THROWS_AS(cover_reaches(CoverProblem{}, -1, 1.0), ArgumentError);
}
