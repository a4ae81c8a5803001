// Coverage shares and greedy maximal-coverage siting (core/coverage.hpp).
#include <vector>

#include "catch.hpp"
#include "core/coverage.hpp"
#include "core/error.hpp"
#include "core/reach_table.hpp"
#include "fixtures.hpp"

using lifecircle::ReachTable;
using lifecircle::test::line_network;

TEST_CASE("coverage counts nodes within each walking time", "[coverage]") {
    const auto net = line_network(4, {{0, 1, 80}, {1, 2, 320}, {2, 3, 400}});
    const ReachTable t(net, {0}, 1, 1200.0);
    // distances 0, 80, 400, 800 m; at 80 m/min: 0, 1, 5, 10 minutes
    const std::vector<double> minutes{1.0, 5.0, 10.0};
    const auto shares = lifecircle::coverage_shares(t, minutes, 80.0);
    CHECK(shares[0] == 0.5);
    CHECK(shares[1] == 0.75);
    CHECK(shares[2] == 1.0);
    const std::vector<double> weights{0, 0, 1, 3};
    CHECK(lifecircle::coverage_shares(t, minutes, 80.0, weights)[1] == 0.25);
    const std::vector<double> too_far{20.0};
    CHECK_THROWS_AS(lifecircle::coverage_shares(t, too_far, 80.0), lifecircle::ArgumentError);
}

TEST_CASE("greedy sites take the most uncovered weight first, ties to the earlier candidate", "[coverage]") {
    // a line of 7 nodes 100 m apart; a ring of 150 m covers a node and its two neighbours
    const auto net = line_network(7, {{0, 1, 100}, {1, 2, 100}, {2, 3, 100}, {3, 4, 100}, {4, 5, 100}, {5, 6, 100}});
    const std::vector<std::uint32_t> candidates{1, 3, 5};
    const std::vector<double> weights{1, 1, 1, 5, 1, 1, 1};
    auto sites = lifecircle::greedy_sites(net, candidates, weights, std::vector<std::uint8_t>(7, 0), 150.0, 3);
    REQUIRE(sites.size() == 3);
    CHECK(sites[0].node == 3);  // 1 + 5 + 1 = 7
    CHECK(sites[0].gain == 7.0);
    CHECK(sites[1].node == 1);  // 1 + 1 (node 2 already covered): a tie with node 5, the earlier wins
    CHECK(sites[1].gain == 2.0);
    CHECK(sites[2].node == 5);
    // nodes covered from the start bring nothing
    std::vector<std::uint8_t> covered{0, 0, 1, 1, 1, 0, 0};
    sites = lifecircle::greedy_sites(net, candidates, weights, covered, 150.0, 1);
    CHECK(sites[0].node == 1);
    CHECK(sites[0].gain == 2.0);
}
