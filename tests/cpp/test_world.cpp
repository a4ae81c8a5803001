#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "catch.hpp"
#include "core/coverage.hpp"
#include "core/error.hpp"
#include "core/osm_import.hpp"
#include "core/reach_table.hpp"
#include "core/spatial_index.hpp"
#include "fixtures.hpp"
#include "models/population.hpp"
#include "models/world_builder.hpp"

using lifecircle::World;

namespace {

lifecircle::Scenario config(const std::string& name) {
    return lifecircle::load_scenario(std::string(LIFECIRCLE_SOURCE_DIR) + "/configs/" + name);
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

TEST_CASE("the synthetic town follows the plan's hierarchy", "[world]") {
    const World w = lifecircle::build_world(config("yunfu.toml"));
    const auto& sc = w.scenario;
    REQUIRE(w.district_centre.size() == sc.districts.size());
    // districts border each other: one connected network across all of them
    CHECK(w.network.report().components >= 1);
    CHECK(w.network.num_nodes() > 2000);
    std::map<int, int> commercial;
    for (std::size_t v = 0; v < w.network.num_nodes(); ++v) commercial[w.node_district[v]] += w.node_commercial[v];
    for (std::size_t d = 0; d < sc.districts.size(); ++d) CHECK(commercial[static_cast<int>(d)] > 5);
    // blocks: mean edge length inside the scenario's 80-200 m (plus jitter and detour)
    const double mean = w.network.total_length() / static_cast<double>(w.network.num_edges());
    CHECK(mean > 80.0);
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
