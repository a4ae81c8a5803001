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

inline constexpr double kDeg = std::numbers::pi / 180.0;

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
            LineRun run;
            for (const auto& ref : way.nodes()) {
                if (!ref.location().valid()) {  // a node outside the extract: split the way here
                    ++report.missing_node_refs;
                    if (run.ids.size() >= 2) walk_runs.push_back(std::move(run));
                    run = LineRun{};
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

    std::vector<LineRun> walk_runs;
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

namespace detail {

/// One pass of the collector over the file; throws InputError naming it.
void collect(const std::string& path, Collector& collector) {
    if (!std::filesystem::is_regular_file(path)) throw InputError(path + ": no such file");
    precheck_osm(path);
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
}

}  // namespace detail

std::vector<LineRun> read_walkable_lines(const std::string& path) {
    const CategoryMap none;
    detail::Collector collector(none);
    detail::collect(path, collector);
    return std::move(collector.walk_runs);
}

OsmCity import_osm(const std::string& path, const CategoryMap& categories, bool keep_largest_component) {
    detail::Collector collector(categories);
    detail::collect(path, collector);
    if (collector.walk_runs.empty())
        throw InputError(path + ": no walkable ways found (" + std::to_string(collector.report.ways_read) +
                         " ways read); expected highways a pedestrian may use");

    OsmCity city;
    city.report = collector.report;
    city.categories.reserve(categories.categories().size());
    for (const auto& c : categories.categories()) city.categories.push_back(c.name);

    auto lines = network_from_lines(collector.walk_runs, keep_largest_component, path);
    city.network = std::move(lines.network);
    city.origin_lon = lines.origin_lon;
    city.origin_lat = lines.origin_lat;
    city.facilities = std::move(collector.facilities);
    for (auto& f : city.facilities) project(city.origin_lon, city.origin_lat, f.lon, f.lat, f.x, f.y);
    return city;
}

}  // namespace lifecircle
