#include <filesystem>

#include "catch.hpp"
#include "core/city_file.hpp"
#include "core/error.hpp"
#include "fixtures.hpp"

using lc_test::Contains;
using lifecircle::test::TempDir;

TEST_CASE("a city file round-trips network and facilities", "[city_file]") {
    TempDir dir;
    lifecircle::OsmCity city;
    city.network = lifecircle::test::line_network(3, {{0, 1, 5.5}, {1, 2, 7.25}});
    city.categories = {"grocery", "food"};
    city.facilities.push_back({42, 'n', 1, 24.9, 60.1, 3.0, 4.0, "Kahvila \xe5\x92\x96", -1, {}});
    city.origin_lon = 24.9;
    city.origin_lat = 60.1;
    const auto path = dir.file("city.h5");
    lifecircle::write_city(path, city, "test");
    const auto back = lifecircle::read_city(path);
    CHECK(back.network.num_nodes() == 3);
    CHECK(back.network.total_length() == 12.75);
    CHECK(back.categories == city.categories);
    REQUIRE(back.facilities.size() == 1);
    CHECK(back.facilities[0].name == city.facilities[0].name);
    CHECK(back.facilities[0].osm_type == 'n');
    CHECK(back.facilities[0].category == 1);
    CHECK(back.origin_lat == 60.1);
}

TEST_CASE("a GIS import's districts, homes and type codes round-trip", "[city_file]") {
    // import-gis writes them (bindings/lifecircle/city.py); an OSM city file has none
    TempDir dir;
    lifecircle::OsmCity city;
    city.network = lifecircle::test::line_network(3, {{0, 1, 5.5}, {1, 2, 7.25}});
    city.categories = {"grocery", "food"};
    city.facilities.push_back({0, 'g', 0, 112.0, 22.9, 1.0, 2.0, "a", 1, "060400"});
    city.facilities.push_back({1, 'g', 1, 112.0, 22.9, 1.0, 2.0, "b", -1, "050100|060200"});
    city.districts = {"Jinshan", "Yuhua"};
    city.district_wkt = {"POLYGON ((0 0, 1 0, 1 1, 0 0))", "POLYGON ((1 1, 2 1, 2 2, 1 1))"};
    city.homes = {{0, 12.5, 0}, {2, 3.0, 1}};
    city.known_absent = {"Yuhua\tfood"};
    city.node_district = {0, -1, 1};
    city.attribution = "bureau";
    const auto path = dir.file("city.h5");
    lifecircle::write_city(path, city, "test");
    const auto back = lifecircle::read_city(path);
    CHECK(back.districts == city.districts);
    CHECK(back.district_wkt == city.district_wkt);
    CHECK(back.known_absent == city.known_absent);
    CHECK(back.node_district == city.node_district);  // what a scenario on the city reads
    CHECK(back.attribution == "bureau");
    REQUIRE(back.facilities.size() == 2);
    CHECK(back.facilities[0].district == 1);
    CHECK(back.facilities[1].district == -1);
    CHECK(back.facilities[1].source_type == "050100|060200");
    REQUIRE(back.homes.size() == 2);
    CHECK(back.homes[1].node == 2);
    CHECK(back.homes[0].residents == 12.5);
    CHECK(back.homes[1].district == 1);
}

TEST_CASE("a failed write leaves no file behind", "[city_file][errors]") {
    TempDir dir;
    lifecircle::OsmCity city;
    city.network = lifecircle::test::line_network(2, {{0, 1, 1.0}});
    const auto path = (dir.path() / "no-such-dir" / "city.h5").string();
    CHECK_THROWS_AS(lifecircle::write_city(path, city, "test"), lifecircle::InputError);
    CHECK_FALSE(std::filesystem::exists(path));
    CHECK(std::filesystem::is_empty(dir.path()));
}

TEST_CASE("reading something that is not a city file names the problem", "[city_file][errors]") {
    TempDir dir;
    CHECK_THROWS_WITH(lifecircle::read_city(dir.file("plain.h5", "not hdf5")),
                      Contains("plain.h5") && Contains("not a readable HDF5 file"));
}
