#include <algorithm>
#include <cmath>
#include <limits>

#include <tbb/global_control.h>

#include "catch.hpp"
#include "core/coverage.hpp"
#include "core/error.hpp"
#include "core/reach_table.hpp"
#include "core/rng.hpp"
#include "fixtures.hpp"
#include "models/grid_city.hpp"

using lifecircle::kNoFacility;
using lifecircle::ReachTable;
using lifecircle::WalkNetwork;
using lifecircle::test::line_network;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// Reference: from each node, one Dijkstra to every open facility; k smallest (d, f).
std::vector<std::vector<std::pair<double, std::int32_t>>> brute_force(const WalkNetwork& net, const ReachTable& t) {
    std::vector<std::vector<std::pair<double, std::int32_t>>> out(net.num_nodes());
    for (std::uint32_t v = 0; v < net.num_nodes(); ++v) {
        std::vector<double> dist(net.num_nodes(), kInf);
        for (const auto& [u, d] : lifecircle::bounded_dijkstra(net, v, t.max_distance())) dist[u] = d;
        auto& list = out[v];
        for (std::uint32_t f = 0; f < t.num_facilities(); ++f)
            if (t.is_open(f) && dist[t.facility_node(f)] < kInf)
                list.emplace_back(dist[t.facility_node(f)], static_cast<std::int32_t>(f));
        std::sort(list.begin(), list.end());
        if (list.size() > static_cast<std::size_t>(t.k())) list.resize(t.k());
    }
    return out;
}

/// The table equals the reference; with integer lengths sums are exact, so ids must match too.
void require_equal(const WalkNetwork& net, const ReachTable& t, bool exact_ids) {
    const auto ref = brute_force(net, t);
    for (std::uint32_t v = 0; v < net.num_nodes(); ++v)
        for (int r = 0; r < t.k(); ++r) {
            INFO("node " << v << " rank " << r);
            if (r < static_cast<int>(ref[v].size())) {
                REQUIRE(t.distance(v, r) == lc_test::Approx(ref[v][r].first).margin(1e-9));
                if (exact_ids) REQUIRE(t.facility(v, r) == ref[v][r].second);
            } else {
                REQUIRE(t.distance(v, r) == kInf);
                REQUIRE(t.facility(v, r) == kNoFacility);
            }
        }
}

lifecircle::GridCity small_city(bool integer_lengths, std::uint64_t seed) {
    lifecircle::GridCityOptions o;
    o.nx = 17;
    o.ny = 13;
    o.spacing = integer_lengths ? 10.0 : 97.3;
    o.jitter = integer_lengths ? 0.0 : 0.4;
    o.missing_edges = 0.15;
    o.categories = 2;
    o.facilities_per_category = 12;
    o.seed = seed;
    return lifecircle::make_grid_city(o);
}

}  // namespace

TEST_CASE("exact distances on a hand-built graph", "[reach_table]") {
    //  0 --10-- 1 --10-- 2 --10-- 3
    //  |                 |
    //  +-------25--------+      facilities: A at 0, B at 3
    const auto net = line_network(4, {{0, 1, 10}, {1, 2, 10}, {2, 3, 10}, {0, 2, 25}});
    const ReachTable t(net, {0, 3}, 2, 100.0);
    CHECK(t.distance(0, 0) == 0.0);
    CHECK(t.facility(0, 0) == 0);
    CHECK(t.distance(0, 1) == 30.0);  // via 1 and 2, not the 25 m shortcut + 10
    CHECK(t.distance(2, 0) == 10.0);
    CHECK(t.facility(2, 0) == 1);
    CHECK(t.distance(2, 1) == 20.0);
    CHECK(t.distance(1, 0) == 10.0);
    CHECK(t.distance(1, 1) == 20.0);
}

TEST_CASE("maximum distance is inclusive and bounds the search", "[reach_table]") {
    const auto net = line_network(3, {{0, 1, 10}, {1, 2, 10}});
    const ReachTable t(net, {0}, 1, 10.0);
    CHECK(t.distance(1, 0) == 10.0);
    CHECK(t.facility(2, 0) == kNoFacility);
    CHECK(t.distance(2, 0) == kInf);
}

TEST_CASE("k larger than what is reachable leaves empty ranks", "[reach_table]") {
    const auto net = line_network(3, {{0, 1, 10}, {1, 2, 10}});
    const ReachTable t(net, {0, 2}, 5, 1000.0);
    CHECK(t.facility(1, 1) != kNoFacility);
    for (int r = 2; r < 5; ++r) {
        CHECK(t.facility(1, r) == kNoFacility);
        CHECK(t.distance(1, r) == kInf);
    }
}

TEST_CASE("disconnected components never reach each other", "[reach_table]") {
    const auto net = line_network(5, {{0, 1, 1}, {1, 2, 1}, {3, 4, 1}}, false);
    const ReachTable t(net, {0}, 1, 1e6);
    CHECK(t.distance(2, 0) == 2.0);
    CHECK(t.facility(3, 0) == kNoFacility);
    CHECK(t.facility(4, 0) == kNoFacility);
}

TEST_CASE("parallel and zero-length edges", "[reach_table]") {
    const auto net = line_network(3, {{0, 1, 9}, {0, 1, 4}, {1, 2, 0}});
    const ReachTable t(net, {0}, 1, 100.0);
    CHECK(t.distance(1, 0) == 4.0);  // the shorter parallel edge
    CHECK(t.distance(2, 0) == 4.0);  // a zero-length edge adds nothing
}

TEST_CASE("a facility on an isolated node serves only that node", "[reach_table]") {
    const auto net = line_network(4, {{0, 1, 1}, {1, 2, 1}}, false);  // node 3 isolated
    const ReachTable t(net, {3, 0}, 2, 100.0);
    CHECK(t.facility(3, 0) == 0);
    CHECK(t.distance(3, 0) == 0.0);
    CHECK(t.facility(3, 1) == kNoFacility);
    CHECK(t.facility(2, 0) == 1);
    CHECK(t.facility(2, 1) == kNoFacility);
}

TEST_CASE("several facilities on one node are all listed", "[reach_table]") {
    const auto net = line_network(2, {{0, 1, 5}});
    const ReachTable t(net, {1, 1, 1}, 3, 10.0);
    for (int r = 0; r < 3; ++r) {
        CHECK(t.distance(0, r) == 5.0);
        CHECK(t.facility(0, r) == r);  // ties broken by the lower facility index
    }
}

TEST_CASE("tables equal an all-pairs reference on irregular grids", "[reach_table]") {
    for (const bool integer : {true, false})
        for (std::uint64_t seed : {1, 2, 3}) {
            const auto city = small_city(integer, seed);
            for (int k : {1, 3, 8}) {
                const ReachTable t(city.network, city.facility_nodes[0], k, integer ? 55.0 : 700.0);
                require_equal(city.network, t, integer);
            }
        }
}

TEST_CASE("open and close update only the affected part, and equal a rebuild", "[reach_table]") {
    for (const bool integer : {true, false}) {
        const auto city = small_city(integer, 11);
        const double max_d = integer ? 60.0 : 500.0;
        ReachTable t(city.network, city.facility_nodes[0], 3, max_d);
        const lifecircle::CounterRng rng(5, 0);
        for (int step = 0; step < 30; ++step) {
            if (step % 3 == 2) {
                const auto node = static_cast<std::uint32_t>(rng.below(step, city.network.num_nodes()));
                t.open(node);
            } else {
                std::vector<std::uint32_t> open;
                for (std::uint32_t f = 0; f < t.num_facilities(); ++f)
                    if (t.is_open(f)) open.push_back(f);
                t.close(open[rng.below(step, open.size())]);
            }
            CHECK(t.last_update_nodes() < city.network.num_nodes());
            require_equal(city.network, t, integer);
        }
        CHECK_THROWS_AS(t.close(0), lifecircle::ArgumentError);  // closing twice
    }
}

TEST_CASE("identical tables on 1 and 2 threads", "[reach_table][threads]") {
    lifecircle::GridCityOptions o;
    o.nx = o.ny = 60;
    o.categories = 6;
    o.facilities_per_category = 40;
    const auto city = lifecircle::make_grid_city(o);
    auto build = [&](int threads) {
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
        return lifecircle::build_reach_tables(city.network, city.facility_nodes, 4, 1200.0);
    };
    const auto one = build(1);
    const auto two = build(2);
    REQUIRE(one.size() == two.size());
    for (std::size_t c = 0; c < one.size(); ++c) {
        CHECK(std::equal(one[c].distances().begin(), one[c].distances().end(), two[c].distances().begin()));
        CHECK(std::equal(one[c].facilities().begin(), one[c].facilities().end(), two[c].facilities().begin()));
    }
}

TEST_CASE("bad arguments are refused with a message", "[reach_table]") {
    const auto net = line_network(2, {{0, 1, 5}});
    using lc_test::Contains;
    CHECK_THROWS_WITH(ReachTable(net, {0}, 0, 10.0), Contains("k is 0"));
    CHECK_THROWS_WITH(ReachTable(net, {0}, 1, -1.0), Contains("max_distance"));
    CHECK_THROWS_WITH(ReachTable(net, {7}, 1, 10.0), Contains("node 7"));
}
