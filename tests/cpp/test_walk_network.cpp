#include <cmath>
#include <limits>

#include "catch.hpp"
#include "core/error.hpp"
#include "core/walk_network.hpp"
#include "fixtures.hpp"

using lifecircle::InputError;
using lifecircle::WalkNetwork;
using lifecircle::test::line_network;
using lifecircle::test::TempDir;

TEST_CASE("CSR adjacency holds each undirected edge both ways", "[walk_network]") {
    const auto net = line_network(3, {{0, 1, 5.0}, {1, 2, 7.0}});
    REQUIRE(net.num_nodes() == 3);
    REQUIRE(net.num_edges() == 2);
    REQUIRE(net.end(1) - net.begin(1) == 2);  // node 1 sees both neighbours
    CHECK(net.total_length() == 12.0);
}

TEST_CASE("largest connected component is kept and the rest reported", "[walk_network]") {
    // component {0,1,2} and {3,4}; node 5 isolated
    const auto net = line_network(6, {{0, 1, 1.0}, {1, 2, 1.0}, {3, 4, 2.5}}, true);
    CHECK(net.num_nodes() == 3);
    CHECK(net.num_edges() == 2);
    const auto& r = net.report();
    CHECK(r.components == 3);
    CHECK(r.dropped_nodes == 3);
    CHECK(r.dropped_edges == 1);
    CHECK(r.dropped_length == 2.5);
    CHECK(net.node_ids()[2] == 2);
}

TEST_CASE("parallel and zero-length edges are kept, self-loops dropped", "[walk_network]") {
    const auto net = line_network(3, {{0, 1, 5.0}, {0, 1, 3.0}, {1, 2, 0.0}, {2, 2, 4.0}});
    CHECK(net.num_edges() == 3);
    CHECK(net.report().dropped_edges == 1);
}

TEST_CASE("bad arrays give an InputError naming the source and the problem", "[walk_network]") {
    std::vector<std::int64_t> ids{10, 20};
    std::vector<double> x{0, 1}, y{0, 0};
    auto build = [&](std::vector<std::int64_t> from, std::vector<std::int64_t> to, std::vector<double> len) {
        return WalkNetwork::from_arrays(ids, x, y, from, to, len, true, "mine.csv");
    };
    using lc_test::Contains;
    CHECK_THROWS_WITH(build({10}, {20}, {std::nan("")}), Contains("mine.csv") && Contains("length"));
    CHECK_THROWS_WITH(build({10}, {20}, {-1.0}), Contains("expected a finite length >= 0"));
    CHECK_THROWS_WITH(build({10}, {30}, {1.0}), Contains("node 30") && Contains("not in the node list"));
    CHECK_THROWS_WITH(build({}, {}, {}), Contains("empty network"));
    CHECK_THROWS_AS(WalkNetwork::from_arrays({}, {}, {}, {}, {}, {}, true, "e"), InputError);
    CHECK_THROWS_WITH(WalkNetwork::from_arrays({1, 1}, x, y, std::vector<std::int64_t>{1}, std::vector<std::int64_t>{1},
                                               std::vector<double>{1.0}),
                      Contains("duplicate node id 1"));
    CHECK_THROWS_WITH(WalkNetwork::from_arrays(ids, {0.0}, y, std::vector<std::int64_t>{10},
                                               std::vector<std::int64_t>{20}, std::vector<double>{1.0}),
                      Contains("differ in length"));
}

TEST_CASE("networks read from CSV, errors name file, line and column", "[walk_network][csv]") {
    TempDir dir;
    const auto nodes = dir.file("nodes.csv", "x,id,y,extra\n0,1,0,a\n10,2,0,b\n20,3,0,c\n");
    const auto edges = dir.file("edges.csv", "from,to,length\n1,2,10.5\n2,3,9.5\n");
    const auto net = WalkNetwork::from_csv(nodes, edges);
    CHECK(net.num_nodes() == 3);
    CHECK(net.total_length() == 20.0);

    using lc_test::Contains;
    const auto missing = dir.file("edges_missing.csv", "from,to\n1,2\n");
    CHECK_THROWS_WITH(WalkNetwork::from_csv(nodes, missing),
                      Contains("edges_missing.csv:1") && Contains("missing column 'length'"));
    const auto nan = dir.file("edges_nan.csv", "from,to,length\n1,2,10\n2,3,nan\n");
    CHECK_THROWS_WITH(WalkNetwork::from_csv(nodes, nan), Contains("edges_nan.csv:3") && Contains("'length'"));
    const auto negative = dir.file("edges_neg.csv", "from,to,length\n1,2,-3\n");
    CHECK_THROWS_WITH(WalkNetwork::from_csv(nodes, negative), Contains("edges_neg.csv:2"));
    const auto dangling = dir.file("edges_dangling.csv", "from,to,length\n1,9,3\n");
    CHECK_THROWS_WITH(WalkNetwork::from_csv(nodes, dangling),
                      Contains("edges_dangling.csv:2") && Contains("endpoint 9"));
    const auto word = dir.file("edges_word.csv", "from,to,length\n1,2,far\n");
    CHECK_THROWS_WITH(WalkNetwork::from_csv(nodes, word),
                      Contains("edges_word.csv:2") && Contains("expected a number"));
    const auto empty = dir.file("edges_empty.csv", "from,to,length\n");
    CHECK_THROWS_WITH(WalkNetwork::from_csv(nodes, empty), Contains("empty network"));
    CHECK_THROWS_WITH(WalkNetwork::from_csv(dir.file("absent.csv"), edges),
                      Contains("absent.csv") && Contains("cannot open"));
}
