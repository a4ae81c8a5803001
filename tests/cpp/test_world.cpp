#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "catch.hpp"
#include "core/coverage.hpp"
#include "core/error.hpp"
#include "core/osm_import.hpp"
#include "core/reach_table.hpp"
#include "core/spatial_index.hpp"
#include "fixtures.hpp"
#include "models/population.hpp"
#include "models/synthetic_city.hpp"
#include "models/world_builder.hpp"

using lifecircle::World;

namespace {

lifecircle::Scenario config(const std::string& name) {
    return lifecircle::load_scenario(std::string(LIFECIRCLE_SOURCE_DIR) + "/configs/" + name);
}

/// Connected components of a network, counted here by a search over its arcs (not by the
/// builder's own count in report()).
std::size_t count_components(const lifecircle::WalkNetwork& net) {
    std::vector<std::uint8_t> seen(net.num_nodes(), 0);
    std::vector<std::uint32_t> stack;
    std::size_t components = 0;
    for (std::uint32_t s = 0; s < net.num_nodes(); ++s) {
        if (seen[s]) continue;
        ++components;
        seen[s] = 1;
        stack.assign(1, s);
        while (!stack.empty()) {
            const auto v = stack.back();
            stack.pop_back();
            for (auto a = net.begin(v); a < net.end(v); ++a)
                if (const auto u = net.targets()[a]; !seen[u]) {
                    seen[u] = 1;
                    stack.push_back(u);
                }
        }
    }
    return components;
}

}  // namespace

TEST_CASE("IPF meets both margins", "[population]") {
    Eigen::MatrixXd seed(3, 2);
    seed << 1, 2, 3, 4, 0.5, 1;
    Eigen::VectorXd rows(3), cols(2);
    rows << 10, 20, 30;
    cols << 25, 35;
    const auto fit = lifecircle::ipf(seed, rows, cols);
    CHECK((fit.rowwise().sum() - rows).cwiseAbs().maxCoeff() < 1e-6);
    CHECK((fit.colwise().sum().transpose() - cols).cwiseAbs().maxCoeff() < 1e-6);
    Eigen::VectorXd bad(2);
    bad << 1, 2;
    CHECK_THROWS_AS(lifecircle::ipf(seed, rows, bad), lifecircle::ArgumentError);  // totals differ
}

TEST_CASE("impossible population marginals give a ConfigError naming the district", "[population][errors]") {
    auto sc = config("tiny.toml");
    sc.districts[0].age_shares = {1.0, 0.0, 0.0};  // only children...
    sc.districts[0].household_size = 1.0;          // ...living alone
    CHECK_THROWS_WITH(lifecircle::build_world(sc),
                      lc_test::Contains("district 东区") && lc_test::Contains("cannot be combined"));
}

TEST_CASE("the world matches the scenario's totals exactly, in every district", "[world]") {
    for (const char* name : {"tiny.toml", "yunfu.toml"}) {
        INFO(name);
        const auto sc = config(name);
        const World w = lifecircle::build_world(sc);
        const auto summary = lifecircle::summarise_world(w);
        REQUIRE(summary.size() == sc.districts.size());
        CHECK(static_cast<std::int64_t>(w.residents.size()) == sc.total_population());
        for (std::size_t d = 0; d < summary.size(); ++d) {
            const auto& s = summary[d];
            const auto& want = sc.districts[d];
            INFO(want.name);
            CHECK(s.residents == want.population);
            for (int a = 0; a < lifecircle::kAgeGroups; ++a)  // within 1% (here: rounding only)
                CHECK(std::abs(static_cast<double>(s.by_age[a]) / s.residents - want.age_shares[a]) < 0.001);
            const double mean_size = static_cast<double>(s.residents) / s.households;
            CHECK(mean_size == lc_test::Approx(want.household_size).margin(0.1));
            for (const auto& [cat, count] : want.baseline) CHECK(s.facilities[sc.category_index(cat)] == count);
            CHECK(s.nodes > 0);
        }
    }
}

TEST_CASE("residents live in their district, households are contiguous and adult-headed", "[world]") {
    const World w = lifecircle::build_world(config("yunfu.toml"));
    const auto& r = w.residents;
    for (std::size_t i = 0; i < r.size(); ++i) REQUIRE(w.node_district[r.home_node[i]] == r.district[i]);
    std::size_t child_headed = 0;
    for (std::size_t h = 0; h + 1 < w.household_start.size(); ++h) {
        const auto b = w.household_start[h], e = w.household_start[h + 1];
        REQUIRE(e > b);
        for (auto i = b; i < e; ++i) {
            REQUIRE(r.household[i] == h);
            REQUIRE(r.home_node[i] == r.home_node[b]);
        }
        child_headed += r.age[b] == 0;
    }
    CHECK(child_headed == 0);
    STATIC_REQUIRE(lifecircle::Residents::bytes_per_resident() <= 64);
}

TEST_CASE("the world is deterministic in the seed", "[world]") {
    auto sc = config("tiny.toml");
    const World a = lifecircle::build_world(sc), b = lifecircle::build_world(sc);
    CHECK(a.residents.home_node == b.residents.home_node);
    CHECK(a.residents.age == b.residents.age);
    CHECK(std::equal(a.network.x().begin(), a.network.x().end(), b.network.x().begin()));
    sc.seed += 1;
    const World c = lifecircle::build_world(sc);
    CHECK(a.residents.home_node != c.residents.home_node);
}

TEST_CASE("the built walking network is one connected component", "[world]") {
    // the counter below can tell: two separate streets are two components
    const std::vector<std::int64_t> from{0, 2}, to{1, 3};
    const std::vector<double> length{100.0, 100.0};
    const auto two =
        lifecircle::WalkNetwork::from_arrays({0, 1, 2, 3}, {0, 100, 500, 600}, {0, 0, 0, 0}, from, to, length, false);
    REQUIRE(count_components(two) == 2);
    for (const char* name : {"tiny.toml", "yunfu.toml"}) {
        INFO(name);
        const World w = lifecircle::build_world(config(name));
        const auto& report = w.network.report();
        // models/synthetic_city.cpp builds with keep_largest_component: the missing street
        // segments may cut pieces off the grid (report().components counts them; Yunfu's has
        // some), but the network kept is one component, so every home reaches every facility
        CHECK(count_components(w.network) == 1);
        // it is the input less exactly the nodes the report says were dropped ...
        CHECK(w.network.num_nodes() == report.input_nodes - report.dropped_nodes);
        // ... and the town's grid, not a stray piece of it: most of the input is kept
        CHECK(report.dropped_nodes < report.input_nodes / 2);
    }
}

TEST_CASE("the synthetic town follows the plan's hierarchy", "[world]") {
    // docs/scenario.md: each district has a main commercial street (the grid row through its
    // centre, never broken), a district centre (片区中心) and four cluster centres (组团中心);
    // commercial sites are the main street and the nodes within 250 m of a centre; the pilots
    // (the first districts) form the middle row and border the others
    const auto sc = config("yunfu.toml");
    const World w = lifecircle::build_world(sc);
    const auto layout = lifecircle::make_synthetic_layout(sc);  // the world's layout: the same seed
    REQUIRE(layout.district_centre == w.district_centre);
    REQUIRE(layout.node_commercial == w.node_commercial);
    const auto& net = w.network;
    const auto& x = net.x();
    const auto& y = net.y();
    const std::size_t nd = sc.districts.size();
    REQUIRE(w.district_centre.size() == nd);
    CHECK(net.num_nodes() > 2000);
    std::vector<std::set<std::size_t>> borders(nd);  // districts joined by a street
    for (std::size_t e = 0; e < net.num_edges(); ++e) {
        const std::size_t a = w.node_district[net.edge_from()[e]], b = w.node_district[net.edge_to()[e]];
        if (a != b) {
            borders[a].insert(b);
            borders[b].insert(a);
        }
    }
    for (std::size_t d = 0; d < nd; ++d) {
        INFO(sc.districts[d].name);
        const auto centre = w.district_centre[d];
        CHECK(w.node_district[centre] == d);  // the district centre lies in its district
        // four cluster centres in the district, one in each quadrant around the district
        // centre (a quarter of the district's width away, more than a block)
        const auto& clusters = layout.cluster_centres[d];
        REQUIRE(clusters.size() == 4);
        for (std::size_t q = 0; q < 4; ++q) {
            INFO("cluster " << q);
            CHECK(w.node_district[clusters[q]] == d);
            CHECK((x[clusters[q]] > x[centre]) == (q % 2 == 1));  // west, east, west, east
            CHECK((y[clusters[q]] > y[centre]) == (q / 2 == 1));  // south, south, north, north
        }
        // the main street: nodes of the district along one grid row through its centre, never
        // broken (consecutive nodes from west to east joined by a street segment)
        auto main = layout.main_street[d];
        REQUIRE(main.size() >= 2);
        std::sort(main.begin(), main.end(), [&](auto a, auto b) { return x[a] < x[b]; });
        CHECK(x[main.front()] <= x[centre]);
        CHECK(x[main.back()] >= x[centre]);
        std::size_t breaks = 0, off_row = 0;
        for (std::size_t i = 0; i < main.size(); ++i) {
            CHECK(w.node_district[main[i]] == d);
            // the row nearest the centre: within a block of it (its grid line, plus jitter)
            off_row += std::abs(y[main[i]] - y[centre]) > sc.network.block_max_m;
            if (i == 0) continue;
            bool joined = false;
            for (auto a = net.begin(main[i - 1]); a < net.end(main[i - 1]); ++a) joined |= net.targets()[a] == main[i];
            breaks += !joined;
        }
        CHECK(off_row == 0);
        CHECK(breaks == 0);
        // commercial sites: exactly the main street and the nodes within 250 m of a centre
        std::vector<std::uint32_t> centres(clusters.begin(), clusters.end());
        centres.push_back(centre);
        const std::set<std::uint32_t> on_main(main.begin(), main.end());
        std::size_t commercial = 0, wrong = 0;
        for (std::uint32_t v = 0; v < net.num_nodes(); ++v) {
            if (w.node_district[v] != d) continue;
            bool site = on_main.count(v) != 0;
            for (auto c : centres) site |= std::hypot(x[v] - x[c], y[v] - y[c]) <= 250.0;
            wrong += site != (w.node_commercial[v] != 0);
            commercial += w.node_commercial[v];
        }
        CHECK(wrong == 0);
        CHECK(commercial > 5);
        // every district borders another, and the pilots (the middle row) border at least
        // three: their neighbours in the row and the rows above and below
        CHECK(!borders[d].empty());
        if (sc.districts[d].programme_start == sc.districts[0].programme_start) CHECK(borders[d].size() >= 3);
    }
    // blocks: mean edge length inside the scenario's 80-200 m (plus jitter and detour)
    const double mean = net.total_length() / static_cast<double>(net.num_edges());
    CHECK(mean > sc.network.block_min_m);
    CHECK(mean < 220.0);
}

TEST_CASE("Helsinki builds from real data and its coverage agrees with the reach benchmark", "[world][shared-data]") {
    if (lifecircle::test::shared_data("helsinki_centre.osm.pbf").empty()) SKIP_OR_RETURN("../shared/data is absent");
    const World w = lifecircle::build_world(config("helsinki.toml"));
    CHECK(w.residents.size() == 5374);
    // the reach benchmark: import with the built-in mapping, snap, k = 1 at 80 m/min
    const auto map = lifecircle::CategoryMap::builtin();
    const auto city = lifecircle::import_osm(lifecircle::test::shared_data("helsinki_centre.osm.pbf"), map);
    const std::vector<double> minutes{5, 10, 15};
    const auto world_cov = lifecircle::node_coverage(w, minutes, 80.0);
    for (const char* cat : {"grocery", "food", "health", "transit"}) {
        INFO(cat);
        const auto snaps = lifecircle::snap_facilities(city);
        std::vector<std::uint32_t> nodes;
        for (std::size_t i = 0; i < city.facilities.size(); ++i)
            if (static_cast<int>(city.facilities[i].category) == map.find(cat)) nodes.push_back(snaps[i].node);
        const lifecircle::ReachTable t(city.network, nodes, 1, 1200.0);
        const auto bench = lifecircle::coverage_shares(t, minutes, 80.0);
        const auto& mine = world_cov[w.scenario.category_index(cat)];
        for (std::size_t m = 0; m < minutes.size(); ++m) CHECK(mine[m] == bench[m]);
    }
}
