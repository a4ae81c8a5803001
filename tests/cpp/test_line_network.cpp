#include <cmath>

#include "catch.hpp"
#include "core/line_network.hpp"

using lifecircle::LineRun;

TEST_CASE("lines become a network simplified to junctions and dead ends", "[line_network]") {
    // a T: line 1 runs west-east through point 2 (three segments), line 2 runs north from
    // point 2; the middle points 1 and 3 have two neighbours and vanish into the edges
    const double lat = 22.9;
    std::vector<LineRun> runs(2);
    runs[0].ids = {0, 1, 2, 3, 4};
    runs[0].lon = {112.000, 112.001, 112.002, 112.003, 112.004};
    runs[0].lat = {lat, lat, lat, lat, lat};
    runs[1].ids = {2, 5};
    runs[1].lon = {112.002, 112.002};
    runs[1].lat = {lat, lat + 0.001};
    const auto out = lifecircle::network_from_lines(runs, true, "test");
    CHECK(out.network.num_nodes() == 4);  // 0, 2, 4 and 5
    CHECK(out.network.num_edges() == 3);
    const double east = 2 * lifecircle::haversine(112.000, lat, 112.001, lat);
    const double north = lifecircle::haversine(112.002, lat, 112.002, lat + 0.001);
    // the edges' lengths are the segments' great-circle lengths summed, metres
    CHECK(std::abs(out.network.total_length() - (2 * east + north)) < 1e-6);
    CHECK(std::abs(out.origin_lon - 112.002) < 1e-12);
    CHECK(std::abs(out.origin_lat - (lat + 0.0005)) < 1e-12);
}

TEST_CASE("lines apart from the largest component are dropped and reported", "[line_network]") {
    std::vector<LineRun> runs(2);
    runs[0] = {{0, 1, 2}, {112.0, 112.001, 112.002}, {22.9, 22.9, 22.9}};
    runs[1] = {{7, 8}, {112.1, 112.1}, {22.9, 22.901}};  // shares no point
    const auto kept = lifecircle::network_from_lines(runs, true, "test");
    CHECK(kept.network.num_nodes() == 2);
    CHECK(kept.network.report().dropped_nodes == 2);
    const auto all = lifecircle::network_from_lines(runs, false, "test");
    CHECK(all.network.num_nodes() == 4);
}
