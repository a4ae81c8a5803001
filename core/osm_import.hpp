#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/category_map.hpp"
#include "core/line_network.hpp"
#include "core/spatial_index.hpp"
#include "core/walk_network.hpp"

namespace lifecircle {

/// A facility found in OpenStreetMap: a tagged node, or the centroid of a tagged way.
struct OsmFacility {
    std::int64_t osm_id = 0;
    char osm_type = 'n';     ///< 'n' node, 'w' way
    std::uint32_t category;  ///< index into the CategoryMap
    double lon = 0, lat = 0;
    double x = 0, y = 0;  ///< projected, metres
    std::string name;
    std::int32_t district = -1;  ///< index into OsmCity::districts (GIS import), -1 none
    std::string source_type;     ///< the input's own type code (GIS import: Amap's), empty for OSM
};

/// Residents placed on a network node (GIS import).
struct CityHome {
    std::uint32_t node = 0;      ///< network node index
    double residents = 0;        ///< people
    std::int32_t district = -1;  ///< index into OsmCity::districts, -1 none
};

/// What the import read, kept and dropped.
struct OsmImportReport {
    std::size_t ways_read = 0;          ///< ways in the file
    std::size_t walkable_ways = 0;      ///< ways that passed the pedestrian filter
    std::size_t missing_node_refs = 0;  ///< way nodes without a location in the file
};

/// A walking network and its facilities from an OpenStreetMap file.
struct OsmCity {
    WalkNetwork network;
    std::vector<std::string> categories;
    std::vector<OsmFacility> facilities;
    double origin_lon = 0, origin_lat = 0;  ///< projection centre, degrees
    OsmImportReport report;
    std::string attribution = "Map data (c) OpenStreetMap contributors (ODbL)";
    /// Districts or communities (GIS import; empty for OpenStreetMap): names, and boundaries
    /// as WKT polygons in WGS84 lon/lat.
    std::vector<std::string> districts, district_wkt;
    /// Residents on network nodes (GIS import; empty for OpenStreetMap).
    std::vector<CityHome> homes;
    /// Each network node's district (index into districts, -1 none; GIS import with
    /// boundaries; empty otherwise).
    std::vector<std::int32_t> node_district;
    /// "district\tcategory" pairs the scenario or the importer marks as known to have no
    /// facility (so an empty one is "none", not "no data").
    std::vector<std::string> known_absent;
};

/// Whether a pedestrian may use a way with these tags; `tag(key)` returns the value or
/// nullptr. Mirrors osmnx's "walk" filter: a highway, not an area, access not private,
/// highway not abandoned|bus_guideway|construction|cycleway|motor*|no|planned|platform|
/// proposed|raceway|razed, foot not "no", service not private. Like osmnx's regular
/// expressions, the exclusions match substrings (motorway_link is excluded by "motor").
template <class TagLookup>
bool is_walkable(TagLookup&& tag) {
    auto contains = [](const char* value, const char* part) {
        return value && std::string(value).find(part) != std::string::npos;
    };
    const char* highway = tag("highway");
    if (!highway) return false;
    const char* area = tag("area");
    if (area && std::string(area) == "yes") return false;
    if (contains(tag("access"), "private")) return false;
    for (const char* bad : {"abandoned", "bus_guideway", "construction", "cycleway", "motor", "no", "planned",
                            "platform", "proposed", "raceway", "razed"})
        if (contains(highway, bad)) return false;
    if (contains(tag("foot"), "no")) return false;
    if (contains(tag("service"), "private")) return false;
    return true;
}

/// Reads a PBF or XML file through libosmium: walkable ways simplified to intersections and
/// dead ends (edge length = the way's exact length along its geometry), the largest
/// connected component kept, and categorised facilities. Throws InputError naming the file.
OsmCity import_osm(const std::string& path, const CategoryMap& categories, bool keep_largest_component = true);

/// The walkable ways of a PBF or XML file as lines, before simplification: each way's run of
/// located nodes (ids are OpenStreetMap node ids), split where a node lies outside the extract.
std::vector<LineRun> read_walkable_lines(const std::string& path);

/// Each facility of `city` snapped to its nearest network node.
std::vector<Snap> snap_facilities(const OsmCity& city);

}  // namespace lifecircle
