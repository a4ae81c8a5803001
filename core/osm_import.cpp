#include "core/osm_import.hpp"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numbers>
#include <unordered_map>

#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/visitor.hpp>
#include <protozero/pbf_reader.hpp>

#include "core/error.hpp"

namespace lifecircle {

namespace detail {

inline constexpr double kEarthRadius = 6371009.0;  // metres, as osmnx
inline constexpr double kDeg = std::numbers::pi / 180.0;

/// A tagged way kept for its centroid, or a walkable way's run of located nodes.
struct WayRun {
    std::vector<std::int64_t> ids;
    std::vector<double> lon, lat;
};

/// Collects walkable ways and tagged features in one pass over the file.
class Collector : public osmium::handler::Handler {
  public:
    explicit Collector(const CategoryMap& categories) : m_categories(categories) {}

    void node(const osmium::Node& node) {
        if (node.tags().empty() || !node.location().valid()) return;
        const auto& tags = node.tags();
        for (int c : m_categories.match([&](const char* k) { return tags.get_value_by_key(k); })) {
            OsmFacility f;
            f.osm_id = node.id();
            f.osm_type = 'n';
            f.category = static_cast<std::uint32_t>(c);
            f.lon = node.location().lon();
            f.lat = node.location().lat();
            f.name = tags.get_value_by_key("name", "");
            facilities.push_back(std::move(f));
        }
    }

    void way(const osmium::Way& way) {
        ++report.ways_read;
        const auto& tags = way.tags();
        auto lookup = [&](const char* k) { return tags.get_value_by_key(k); };
        if (is_walkable(lookup)) {
            ++report.walkable_ways;
            WayRun run;
            for (const auto& ref : way.nodes()) {
                if (!ref.location().valid()) {  // a node outside the extract: split the way here
                    ++report.missing_node_refs;
                    if (run.ids.size() >= 2) walk_runs.push_back(std::move(run));
                    run = WayRun{};
                    continue;
                }
                run.ids.push_back(ref.ref());
                run.lon.push_back(ref.location().lon());
                run.lat.push_back(ref.location().lat());
            }
            if (run.ids.size() >= 2) walk_runs.push_back(std::move(run));
        }
        const auto matched = m_categories.match(lookup);
        if (matched.empty()) return;
        double lon = 0, lat = 0;
        if (!centroid(way, lon, lat)) return;
        for (int c : matched) {
            OsmFacility f;
            f.osm_id = way.id();
            f.osm_type = 'w';
            f.category = static_cast<std::uint32_t>(c);
            f.lon = lon;
            f.lat = lat;
            f.name = tags.get_value_by_key("name", "");
            facilities.push_back(std::move(f));
        }
    }

    std::vector<WayRun> walk_runs;
    std::vector<OsmFacility> facilities;
    OsmImportReport report;

  private:
    /// Area centroid of a closed way (shoelace, in a local frame), else the mean of its nodes.
    static bool centroid(const osmium::Way& way, double& lon, double& lat) {
        std::vector<osmium::Location> pts;
        for (const auto& ref : way.nodes())
            if (ref.location().valid()) pts.push_back(ref.location());
        if (pts.empty()) return false;
        const double lon0 = pts[0].lon(), lat0 = pts[0].lat();
        double sx = 0, sy = 0;
        for (const auto& p : pts) {
            sx += p.lon() - lon0;
            sy += p.lat() - lat0;
        }
        lon = lon0 + sx / static_cast<double>(pts.size());
        lat = lat0 + sy / static_cast<double>(pts.size());
        if (pts.size() < 4 || pts.front() != pts.back()) return true;
        const double k = std::cos(lat0 * kDeg);
        double a2 = 0, cx = 0, cy = 0;
        for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
            const double x0 = (pts[i].lon() - lon0) * k, y0 = pts[i].lat() - lat0;
            const double x1 = (pts[i + 1].lon() - lon0) * k, y1 = pts[i + 1].lat() - lat0;
            const double cross = x0 * y1 - x1 * y0;
            a2 += cross;
            cx += (x0 + x1) * cross;
            cy += (y0 + y1) * cross;
        }
        if (std::abs(a2) > 1e-18) {
            lon = lon0 + cx / (3.0 * a2) / k;
            lat = lat0 + cy / (3.0 * a2);
        }
        return true;
    }

    const CategoryMap& m_categories;
};

}  // namespace detail

void project(double lon0, double lat0, double lon, double lat, double& x, double& y) {
    x = detail::kEarthRadius * (lon - lon0) * detail::kDeg * std::cos(lat0 * detail::kDeg);
    y = detail::kEarthRadius * (lat - lat0) * detail::kDeg;
}

void unproject(double lon0, double lat0, double x, double y, double& lon, double& lat) {
    lon = lon0 + x / (detail::kEarthRadius * detail::kDeg * std::cos(lat0 * detail::kDeg));
    lat = lat0 + y / (detail::kEarthRadius * detail::kDeg);
}

double haversine(double lon1, double lat1, double lon2, double lat2) {
    const double p1 = lat1 * detail::kDeg, p2 = lat2 * detail::kDeg;
    const double dp = p2 - p1, dl = (lon2 - lon1) * detail::kDeg;
    const double h =
        std::sin(dp / 2) * std::sin(dp / 2) + std::cos(p1) * std::cos(p2) * std::sin(dl / 2) * std::sin(dl / 2);
    return 2.0 * detail::kEarthRadius * std::asin(std::min(1.0, std::sqrt(h)));
}

std::vector<Snap> snap_facilities(const OsmCity& city) {
    std::vector<double> fx, fy;
    fx.reserve(city.facilities.size());
    fy.reserve(city.facilities.size());
    for (const auto& f : city.facilities) {
        fx.push_back(f.x);
        fy.push_back(f.y);
    }
    return snap_points(city.network, fx, fy);
}

namespace detail {

/// Checks what libosmium 2.19 (Debian 12's headers) would misread before it parses the file:
/// fuzzing found undefined behaviour inside it (docs/checkpoints.md) on
/// - a PBF BlobHeader without a type (strncmp given a null pointer), and
/// - an XML coordinate with an exponent or a character reference (a signed overflow scaling
///   it).
/// Such input is refused as an InputError naming the file and where; other damage is left to
/// libosmium's own checks. Compressed XML (.osm.gz, .osm.bz2) is not scanned here.
void precheck_osm(const std::string& path) {
    const osmium::io::File file{path};
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path + ": cannot open");
    if (file.format() == osmium::io::file_format::pbf) {
        const auto size = static_cast<std::uint64_t>(std::filesystem::file_size(path));
        std::uint64_t at = 0;
        for (int blob = 0; at < size; ++blob) {
            unsigned char len[4];
            if (size - at < 4 || !in.read(reinterpret_cast<char*>(len), 4)) break;  // libosmium reports it
            const std::uint32_t header_bytes = std::uint32_t{len[0]} << 24 | std::uint32_t{len[1]} << 16 |
                                               std::uint32_t{len[2]} << 8 | std::uint32_t{len[3]};
            if (header_bytes > 64 * 1024 || header_bytes > size - at - 4) break;  // libosmium reports it
            std::string header(header_bytes, '\0');
            if (!in.read(header.data(), header_bytes)) break;
            bool typed = false;
            std::int64_t datasize = 0;
            try {
                protozero::pbf_reader reader{header};
                while (reader.next()) {
                    if (reader.tag() == 1 && reader.wire_type() == protozero::pbf_wire_type::length_delimited)
                        typed = !reader.get_view().empty();
                    else if (reader.tag() == 3 && reader.wire_type() == protozero::pbf_wire_type::varint)
                        datasize = reader.get_int32();
                    else
                        reader.skip();
                }
            } catch (const protozero::exception& e) {
                throw InputError(path + ": PBF block " + std::to_string(blob) + " at byte " + std::to_string(at) +
                                 ": its header is not valid protobuf (" + e.what() + ")");
            }
            if (!typed)
                throw InputError(path + ": PBF block " + std::to_string(blob) + " at byte " + std::to_string(at) +
                                 ": its header has no type (expected OSMHeader or OSMData)");
            at += 4 + header_bytes + static_cast<std::uint64_t>(std::max<std::int64_t>(0, datasize));
            if (datasize <= 0 || at > size) break;  // libosmium reports it
            in.seekg(static_cast<std::streamoff>(at));
        }
    } else if (file.format() == osmium::io::file_format::xml &&
               file.compression() == osmium::io::file_compression::none) {
        const std::string text{std::istreambuf_iterator<char>(in), {}};
        // every attribute named ...lat or ...lon (node lat/lon, bounds minlat ...): a plain decimal
        for (std::size_t at = text.find('l'); at != std::string::npos; at = text.find('l', at + 1)) {
            const bool lat = text.compare(at, 3, "lat") == 0, lon = text.compare(at, 3, "lon") == 0;
            if (!lat && !lon) continue;
            std::size_t name = at;  // an attribute's name: letters after whitespace
            while (name > 0 && std::islower(static_cast<unsigned char>(text[name - 1]))) --name;
            if (name == 0 || !std::isspace(static_cast<unsigned char>(text[name - 1]))) continue;
            std::size_t q = at + 3;
            while (q < text.size() && std::isspace(static_cast<unsigned char>(text[q]))) ++q;
            if (q >= text.size() || text[q] != '=') continue;
            ++q;
            while (q < text.size() && std::isspace(static_cast<unsigned char>(text[q]))) ++q;
            if (q >= text.size() || (text[q] != '"' && text[q] != '\'')) continue;
            const char quote = text[q];
            const std::size_t end = text.find(quote, q + 1);
            if (end == std::string::npos) break;  // libosmium reports it
            const std::string value = text.substr(q + 1, end - q - 1);
            if (value.find_first_not_of("0123456789+-.") != std::string::npos) {
                const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n');
                throw InputError(path + ":" + std::to_string(line) + ": coordinate '" + value.substr(0, 40) +
                                 "': expected a plain decimal number (no exponent, no character reference)");
            }
        }
    }
}

}  // namespace detail

OsmCity import_osm(const std::string& path, const CategoryMap& categories, bool keep_largest_component) {
    if (!std::filesystem::is_regular_file(path)) throw InputError(path + ": no such file");
    detail::precheck_osm(path);
    detail::Collector collector(categories);
    try {
        using Index = osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;
        Index index;
        osmium::handler::NodeLocationsForWays<Index> locations{index};
        locations.ignore_errors();
        osmium::io::Reader reader{osmium::io::File{path}, osmium::osm_entity_bits::node | osmium::osm_entity_bits::way};
        osmium::apply(reader, locations, collector);
        reader.close();
    } catch (const InputError&) {
        throw;
    } catch (const std::exception& e) {
        throw InputError(path + ": cannot read as an OpenStreetMap file (truncated or corrupt?): " + e.what());
    }
    if (collector.walk_runs.empty())
        throw InputError(path + ": no walkable ways found (" + std::to_string(collector.report.ways_read) +
                         " ways read); expected highways a pedestrian may use");

    OsmCity city;
    city.report = collector.report;
    city.categories.reserve(categories.categories().size());
    for (const auto& c : categories.categories()) city.categories.push_back(c.name);

    // Projection centre: the middle of the walkable ways' bounding box.
    double lon_lo = 1e9, lon_hi = -1e9, lat_lo = 1e9, lat_hi = -1e9;
    for (const auto& run : collector.walk_runs)
        for (std::size_t i = 0; i < run.ids.size(); ++i) {
            lon_lo = std::min(lon_lo, run.lon[i]);
            lon_hi = std::max(lon_hi, run.lon[i]);
            lat_lo = std::min(lat_lo, run.lat[i]);
            lat_hi = std::max(lat_hi, run.lat[i]);
        }
    city.origin_lon = (lon_lo + lon_hi) / 2;
    city.origin_lat = (lat_lo + lat_hi) / 2;

    // Simplify as osmnx 2 does: graph nodes are nodes whose number of distinct neighbours
    // is not 2 (dead ends, junctions); chains of 2-neighbour nodes become one edge whose
    // length is the sum of its segments. Way boundaries alone do not make a node.
    struct Segment {
        std::uint32_t a, b;  // indices into the located-node arrays
        double length;
    };
    std::unordered_map<std::int64_t, std::uint32_t> local;
    std::vector<std::int64_t> osm_ids;
    std::vector<double> lons, lats;
    std::vector<Segment> segments;
    auto local_index = [&](std::int64_t id, double lon, double lat) {
        auto [it, inserted] = local.emplace(id, static_cast<std::uint32_t>(osm_ids.size()));
        if (inserted) {
            osm_ids.push_back(id);
            lons.push_back(lon);
            lats.push_back(lat);
        }
        return it->second;
    };
    for (const auto& run : collector.walk_runs) {
        auto prev = local_index(run.ids[0], run.lon[0], run.lat[0]);
        for (std::size_t i = 1; i < run.ids.size(); ++i) {
            const auto cur = local_index(run.ids[i], run.lon[i], run.lat[i]);
            if (cur != prev)  // a repeated node adds nothing
                segments.push_back({prev, cur, haversine(run.lon[i - 1], run.lat[i - 1], run.lon[i], run.lat[i])});
            prev = cur;
        }
    }
    const std::size_t located = osm_ids.size();
    std::vector<std::uint32_t> start(located + 1, 0);
    for (const auto& sg : segments) {
        ++start[sg.a + 1];
        ++start[sg.b + 1];
    }
    for (std::size_t i = 0; i < located; ++i) start[i + 1] += start[i];
    std::vector<std::uint32_t> incident(start.back());
    {
        std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
        for (std::uint32_t s = 0; s < segments.size(); ++s) {
            incident[fill[segments[s].a]++] = s;
            incident[fill[segments[s].b]++] = s;
        }
    }
    auto other = [&](std::uint32_t s, std::uint32_t v) { return segments[s].a == v ? segments[s].b : segments[s].a; };
    std::vector<std::uint8_t> endpoint(located, 0);
    for (std::uint32_t v = 0; v < located; ++v) {
        std::vector<std::uint32_t> neighbours;
        for (auto k = start[v]; k < start[v + 1]; ++k) neighbours.push_back(other(incident[k], v));
        std::sort(neighbours.begin(), neighbours.end());
        neighbours.erase(std::unique(neighbours.begin(), neighbours.end()), neighbours.end());
        endpoint[v] = neighbours.size() != 2;
    }
    std::vector<std::int64_t> ids, from, to;
    std::vector<double> xs, ys, length;
    std::vector<std::uint8_t> added(located, 0), used(segments.size(), 0);
    auto add_node = [&](std::uint32_t v) {
        if (added[v]) return;
        added[v] = 1;
        double x, y;
        project(city.origin_lon, city.origin_lat, lons[v], lats[v], x, y);
        ids.push_back(osm_ids[v]);
        xs.push_back(x);
        ys.push_back(y);
    };
    auto trace_from = [&](std::uint32_t e) {
        for (auto k = start[e]; k < start[e + 1]; ++k) {
            auto s = incident[k];
            if (used[s]) continue;
            std::uint32_t v = e;
            double acc = 0;
            while (true) {
                used[s] = 1;
                acc += segments[s].length;
                v = other(s, v);
                if (endpoint[v]) break;
                // a 2-neighbour node: continue on its unused segment (none: a closed ring)
                std::uint32_t next = UINT32_MAX;
                for (auto j = start[v]; j < start[v + 1]; ++j)
                    if (!used[incident[j]]) {
                        next = incident[j];
                        break;
                    }
                if (next == UINT32_MAX) break;
                s = next;
            }
            add_node(e);
            add_node(v);
            from.push_back(osm_ids[e]);
            to.push_back(osm_ids[v]);
            length.push_back(acc);
        }
    };
    for (std::uint32_t v = 0; v < located; ++v)
        if (endpoint[v]) trace_from(v);
    for (std::uint32_t v = 0; v < located; ++v)  // rings without a junction: cut at one node
        for (auto k = start[v]; k < start[v + 1]; ++k)
            if (!used[incident[k]]) {
                endpoint[v] = 1;
                trace_from(v);
            }
    city.network = WalkNetwork::from_arrays(std::move(ids), std::move(xs), std::move(ys), from, to, length,
                                            keep_largest_component, path);
    city.facilities = std::move(collector.facilities);
    for (auto& f : city.facilities) project(city.origin_lon, city.origin_lat, f.lon, f.lat, f.x, f.y);
    return city;
}

}  // namespace lifecircle
