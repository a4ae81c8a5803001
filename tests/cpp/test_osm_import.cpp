#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "catch.hpp"
#include "core/error.hpp"
#include "core/osm_import.hpp"
#include "fixtures.hpp"

using lc_test::Contains;
using lifecircle::CategoryMap;
using lifecircle::import_osm;
using lifecircle::InputError;
using lifecircle::test::TempDir;

namespace {

bool walkable(std::map<std::string, std::string> tags) {
    return lifecircle::is_walkable([&](const char* k) -> const char* {
        auto it = tags.find(k);
        return it == tags.end() ? nullptr : it->second.c_str();
    });
}

// A hand-made town: footway 1-2-3-4, steps 5-2, pedestrian 2-6, residential 4-10 are
// walkable; motorway 3-7, foot=no 4-8, private service 4-9 are not. A supermarket
// building (closed way 11-12-13-14), a cafe node 15 and a convenience node 16.
const char* kTown = R"(<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
 <node id="1" lat="60.1700" lon="24.9400"/>
 <node id="2" lat="60.1700" lon="24.9410"/>
 <node id="3" lat="60.1700" lon="24.9420"/>
 <node id="4" lat="60.1700" lon="24.9430"/>
 <node id="5" lat="60.1710" lon="24.9410"/>
 <node id="6" lat="60.1690" lon="24.9410"/>
 <node id="7" lat="60.1710" lon="24.9420"/>
 <node id="8" lat="60.1710" lon="24.9430"/>
 <node id="9" lat="60.1690" lon="24.9430"/>
 <node id="10" lat="60.1700" lon="24.9440"/>
 <node id="11" lat="60.1705" lon="24.9400"/>
 <node id="12" lat="60.1705" lon="24.9402"/>
 <node id="13" lat="60.1707" lon="24.9402"/>
 <node id="14" lat="60.1707" lon="24.9400"/>
 <node id="15" lat="60.1695" lon="24.9425"><tag k="amenity" v="cafe"/><tag k="name" v="Kahvila"/></node>
 <node id="16" lat="60.1695" lon="24.9415"><tag k="shop" v="convenience"/></node>
 <way id="101"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><tag k="highway" v="footway"/></way>
 <way id="102"><nd ref="5"/><nd ref="2"/><tag k="highway" v="steps"/></way>
 <way id="103"><nd ref="2"/><nd ref="6"/><tag k="highway" v="pedestrian"/></way>
 <way id="104"><nd ref="3"/><nd ref="7"/><tag k="highway" v="motorway"/></way>
 <way id="105"><nd ref="4"/><nd ref="8"/><tag k="highway" v="residential"/><tag k="foot" v="no"/></way>
 <way id="106"><nd ref="4"/><nd ref="9"/><tag k="highway" v="service"/><tag k="access" v="private"/></way>
 <way id="107"><nd ref="4"/><nd ref="10"/><tag k="highway" v="residential"/></way>
 <way id="108"><nd ref="11"/><nd ref="12"/><nd ref="13"/><nd ref="14"/><nd ref="11"/><tag k="building" v="retail"/><tag k="shop" v="supermarket"/></way>
</osm>
)";

}  // namespace

TEST_CASE("the pedestrian filter follows osmnx's walk filter", "[osm_import]") {
    CHECK(walkable({{"highway", "footway"}}));
    CHECK(walkable({{"highway", "steps"}}));
    CHECK(walkable({{"highway", "pedestrian"}}));
    CHECK(walkable({{"highway", "residential"}}));
    CHECK(walkable({{"highway", "primary"}, {"foot", "yes"}}));
    CHECK_FALSE(walkable({{"building", "yes"}}));
    CHECK_FALSE(walkable({{"highway", "motorway"}}));
    CHECK_FALSE(walkable({{"highway", "motorway_link"}}));
    CHECK_FALSE(walkable({{"highway", "cycleway"}}));
    CHECK_FALSE(walkable({{"highway", "construction"}}));
    CHECK_FALSE(walkable({{"highway", "footway"}, {"foot", "no"}}));
    CHECK_FALSE(walkable({{"highway", "service"}, {"access", "private"}}));
    CHECK_FALSE(walkable({{"highway", "service"}, {"service", "private"}}));
    CHECK_FALSE(walkable({{"highway", "pedestrian"}, {"area", "yes"}}));
}

TEST_CASE("a hand-made town imports with simplified ways and facilities", "[osm_import]") {
    TempDir dir;
    const auto path = dir.file("town.osm", kTown);
    const auto city = import_osm(path, CategoryMap::builtin());
    const auto& net = city.network;
    const auto ids = net.node_ids();
    const std::set<std::int64_t> nodes(ids.begin(), ids.end());
    // once the motorway, foot=no and private ways are filtered out, nodes 3 and 4 have two
    // neighbours each: simplified away, as osmnx does, though 4 ends a way
    CHECK(nodes == std::set<std::int64_t>{1, 2, 5, 6, 10});
    CHECK(net.num_edges() == 4);
    CHECK(city.report.walkable_ways == 4);
    // edge 2-10 keeps the exact length along the ways (through nodes 3 and 4)
    const double expected = lifecircle::haversine(24.9410, 60.17, 24.9420, 60.17) +
                            lifecircle::haversine(24.9420, 60.17, 24.9430, 60.17) +
                            lifecircle::haversine(24.9430, 60.17, 24.9440, 60.17);
    bool found = false;
    for (std::size_t e = 0; e < net.num_edges(); ++e) {
        const auto a = ids[net.edge_from()[e]], b = ids[net.edge_to()[e]];
        if ((a == 2 && b == 10) || (a == 10 && b == 2)) {
            found = true;
            CHECK(net.edge_length()[e] == lc_test::Approx(expected).epsilon(1e-12));
        }
    }
    CHECK(found);
    CHECK(expected == lc_test::Approx(166.5).margin(1.0));  // 0.003 deg of longitude at 60.17 N

    const auto grocery = CategoryMap::builtin().find("grocery");
    const auto food = CategoryMap::builtin().find("food");
    std::map<std::int64_t, lifecircle::OsmFacility> by_id;
    for (const auto& f : city.facilities) by_id[f.osm_id] = f;
    REQUIRE(by_id.count(108));
    CHECK(by_id[108].osm_type == 'w');
    CHECK(static_cast<int>(by_id[108].category) == grocery);
    CHECK(by_id[108].lon == lc_test::Approx(24.9401).margin(1e-9));  // the building's centroid
    CHECK(by_id[108].lat == lc_test::Approx(60.1706).margin(1e-9));
    CHECK(static_cast<int>(by_id[15].category) == food);
    CHECK(by_id[15].name == "Kahvila");
    CHECK(static_cast<int>(by_id[16].category) == grocery);
}

TEST_CASE("broken OpenStreetMap files give an InputError naming the file", "[osm_import][errors]") {
    TempDir dir;
    const auto garbage = dir.file("garbage.osm.pbf", "this is not a protocol buffer at all\n");
    CHECK_THROWS_WITH(import_osm(garbage, CategoryMap::builtin()),
                      Contains("garbage.osm.pbf") && Contains("cannot read"));
    const auto xml = dir.file("broken.osm", "<osm version=\"0.6\"><node id=\"1\" lat=");
    CHECK_THROWS_WITH(import_osm(xml, CategoryMap::builtin()), Contains("broken.osm"));
    CHECK_THROWS_WITH(import_osm(dir.file("missing.pbf"), CategoryMap::builtin()),
                      Contains("missing.pbf") && Contains("no such file"));
    const auto no_ways = dir.file("empty.osm", "<osm version=\"0.6\"><node id=\"1\" lat=\"1\" lon=\"2\"/></osm>");
    CHECK_THROWS_WITH(import_osm(no_ways, CategoryMap::builtin()), Contains("no walkable ways"));
}

TEST_CASE("input libosmium 2.19 would misread is refused before it parses it", "[osm_import][errors]") {
    // found by fuzzing (docs/checkpoints.md): undefined behaviour inside libosmium's headers
    TempDir dir;
    const auto exponent = dir.file("exp.osm", "<osm version=\"0.6\">\n<node id=\"1\" lat=\"2.4e18\" lon=\"2\"/></osm>");
    CHECK_THROWS_WITH(import_osm(exponent, CategoryMap::builtin()),
                      Contains("exp.osm:2") && Contains("2.4e18") && Contains("plain decimal"));
    const auto reference = dir.file("ref.osm", "<osm version=\"0.6\"><bounds minlat='1&#101;9'/></osm>");
    CHECK_THROWS_WITH(import_osm(reference, CategoryMap::builtin()), Contains("ref.osm:1"));
    // a tag's value that merely contains "lat=" is not a coordinate
    const auto tag = dir.file("tag.osm",
                              "<osm version=\"0.6\"><node id=\"1\" lat=\"1\" lon=\"2\"><tag k=\"note\" "
                              "v=\"flat='x'\"/></node></osm>");
    CHECK_THROWS_WITH(import_osm(tag, CategoryMap::builtin()), Contains("no walkable ways"));
    // a PBF block header without its type: 4-byte length, then only field 3 (datasize = 1)
    const std::string untyped{"\0\0\0\x02\x18\x01x", 7};
    const auto pbf = dir.file("untyped.osm.pbf", untyped);
    CHECK_THROWS_WITH(import_osm(pbf, CategoryMap::builtin()),
                      Contains("untyped.osm.pbf") && Contains("block 0") && Contains("no type"));
}

TEST_CASE("a truncated PBF gives an InputError", "[osm_import][errors][shared-data]") {
    const auto helsinki = lifecircle::test::shared_data("helsinki_centre.osm.pbf");
    if (helsinki.empty()) SKIP_OR_RETURN("../shared/data is absent");
    TempDir dir;
    const auto cut = dir.file("cut.osm.pbf");
    {
        std::ifstream in(helsinki, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    }
    CHECK_THROWS_WITH(import_osm(cut, CategoryMap::builtin()), Contains("cut.osm.pbf"));
}

TEST_CASE("central Helsinki imports as the data README describes", "[osm_import][shared-data]") {
    const auto helsinki = lifecircle::test::shared_data("helsinki_centre.osm.pbf");
    if (helsinki.empty()) SKIP_OR_RETURN("../shared/data is absent");
    const auto city = import_osm(helsinki, CategoryMap::builtin());
    const auto& net = city.network;
    // README: about 2,455 nodes, 3,266 edges, 84 km after the usual filter; ~5.5% off the LCC
    CHECK(net.num_nodes() > 2000);
    CHECK(net.num_nodes() < 3000);
    CHECK(net.total_length() > 60e3);
    CHECK(net.total_length() < 110e3);
    CHECK(net.report().dropped_nodes > 0);
    std::vector<std::size_t> per(city.categories.size());
    for (const auto& f : city.facilities) ++per[f.category];
    CHECK(per[CategoryMap::builtin().find("food")] > 250);  // 214 restaurants + 89 cafes + ...
}
