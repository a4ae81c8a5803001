// Walking network, reach tables, OSM import and city files.
#include <memory>
#include <optional>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <tbb/global_control.h>

#include "bindings/numpy_util.hpp"
#include "core/city_file.hpp"
#include "core/coverage.hpp"
#include "core/covering.hpp"
#include "core/error.hpp"
#include "core/osm_import.hpp"
#include "core/reach_table.hpp"
#include "core/spatial_index.hpp"
#include "core/walk_network.hpp"

namespace py = pybind11;

namespace lifecircle::bindings {

namespace {

template <class T>
std::vector<T> to_vector(const Array<T>& a) {
    if (a.ndim() != 1) throw ArgumentError("expected a one-dimensional array");
    return std::vector<T>(a.data(), a.data() + a.size());
}

py::dict report_dict(const NetworkReport& r) {
    py::dict d;
    d["source"] = r.source;
    d["input_nodes"] = r.input_nodes;
    d["input_edges"] = r.input_edges;
    d["components"] = r.components;
    d["dropped_nodes"] = r.dropped_nodes;
    d["dropped_edges"] = r.dropped_edges;
    d["dropped_length_m"] = r.dropped_length;
    return d;
}

py::dict city_dict(OsmCity city) {
    py::dict d;
    const auto& fs = city.facilities;
    py::dict fac;
    fac["category"] = column(fs, &OsmFacility::category);
    fac["osm_id"] = column(fs, &OsmFacility::osm_id);
    std::vector<std::string> osm_type, name;
    for (const auto& f : fs) {
        osm_type.emplace_back(1, f.osm_type == 'w' || f.osm_type == 'g' ? f.osm_type : 'n');
        name.push_back(f.name);
    }
    fac["osm_type"] = osm_type;
    fac["lon"] = column(fs, &OsmFacility::lon);
    fac["lat"] = column(fs, &OsmFacility::lat);
    fac["x"] = column(fs, &OsmFacility::x);
    fac["y"] = column(fs, &OsmFacility::y);
    fac["name"] = name;
    fac["district"] = column(fs, &OsmFacility::district);
    std::vector<std::string> source_type;
    for (const auto& f : fs) source_type.push_back(f.source_type);
    fac["source_type"] = source_type;
    d["facilities"] = fac;
    d["attribution"] = city.attribution;
    d["districts"] = city.districts;
    d["district_wkt"] = city.district_wkt;
    d["known_absent"] = city.known_absent;
    py::dict homes;
    homes["node"] = column(city.homes, &CityHome::node);
    homes["residents"] = column(city.homes, &CityHome::residents);
    homes["district"] = column(city.homes, &CityHome::district);
    d["homes"] = homes;
    d["node_district"] = to_numpy(city.node_district);
    d["categories"] = city.categories;
    d["origin_lon"] = city.origin_lon;
    d["origin_lat"] = city.origin_lat;
    py::dict report;
    report["ways_read"] = city.report.ways_read;
    report["walkable_ways"] = city.report.walkable_ways;
    report["missing_node_refs"] = city.report.missing_node_refs;
    d["import_report"] = report;
    d["network"] = std::make_shared<WalkNetwork>(std::move(city.network));
    return d;
}

std::unique_ptr<tbb::global_control> g_thread_limit;

}  // namespace

void register_errors(py::module_& m) {
    // InputError: bad data (a file, an array); ArgumentError: a bad call. Both are ValueErrors.
    auto input = py::register_exception<InputError>(m, "InputError", PyExc_ValueError);
    // ConfigError: a scenario that fails validation (an InputError, so a ValueError too)
    py::register_exception<ConfigError>(m, "ConfigError", input.ptr());
    py::register_exception<ArgumentError>(m, "ArgumentError", PyExc_ValueError);
}

void register_network(py::module_& m) {
    m.def(
        "set_max_threads",
        [](int n) {
            g_thread_limit.reset();
            if (n > 0)
                g_thread_limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                                       static_cast<std::size_t>(n));
        },
        py::arg("threads"), "Limit worker threads (0 = all cores).");

    py::class_<WalkNetwork, std::shared_ptr<WalkNetwork>>(m, "WalkNetwork")
        .def(py::init([](const Array<std::int64_t>& ids, const Array<double>& x, const Array<double>& y,
                         const Array<std::int64_t>& from, const Array<std::int64_t>& to, const Array<double>& length,
                         bool keep_largest, const std::string& source) {
                 const auto f = to_vector(from), t = to_vector(to);
                 const auto l = to_vector(length);
                 return std::make_shared<WalkNetwork>(WalkNetwork::from_arrays(
                     to_vector(ids), to_vector(x), to_vector(y), f, t, l, keep_largest, source));
             }),
             py::arg("node_ids"), py::arg("x"), py::arg("y"), py::arg("edge_from"), py::arg("edge_to"),
             py::arg("edge_length"), py::arg("keep_largest_component") = true, py::arg("source") = "arrays")
        .def_static(
            "from_csv",
            [](const std::string& nodes, const std::string& edges, bool keep_largest) {
                return std::make_shared<WalkNetwork>(WalkNetwork::from_csv(nodes, edges, keep_largest));
            },
            py::arg("nodes_path"), py::arg("edges_path"), py::arg("keep_largest_component") = true)
        .def_property_readonly("num_nodes", &WalkNetwork::num_nodes)
        .def_property_readonly("num_edges", &WalkNetwork::num_edges)
        .def_property_readonly("total_length", &WalkNetwork::total_length)
        .def_property_readonly("node_ids", [](const WalkNetwork& n) { return to_numpy(n.node_ids()); })
        .def_property_readonly("x", [](const WalkNetwork& n) { return to_numpy(n.x()); })
        .def_property_readonly("y", [](const WalkNetwork& n) { return to_numpy(n.y()); })
        .def_property_readonly("edge_from", [](const WalkNetwork& n) { return to_numpy(n.edge_from()); })
        .def_property_readonly("edge_to", [](const WalkNetwork& n) { return to_numpy(n.edge_to()); })
        .def_property_readonly("edge_length", [](const WalkNetwork& n) { return to_numpy(n.edge_length()); })
        .def_property_readonly("report", [](const WalkNetwork& n) { return report_dict(n.report()); })
        .def(
            "snap",
            [](const WalkNetwork& n, const Array<double>& x, const Array<double>& y) {
                const auto xs = to_vector(x), ys = to_vector(y);
                std::vector<Snap> snaps;
                {
                    py::gil_scoped_release release;
                    snaps = snap_points(n, xs, ys);
                }
                std::vector<std::uint32_t> nodes;
                std::vector<double> dist;
                for (const auto& s : snaps) {
                    nodes.push_back(s.node);
                    dist.push_back(s.distance);
                }
                return py::make_tuple(to_numpy(nodes), to_numpy(dist));
            },
            py::arg("x"), py::arg("y"), "Nearest node index and straight-line distance (m) of points.")
        .def(
            "reach",
            [](const WalkNetwork& n, const Array<std::uint32_t>& facility_nodes, int k, double max_distance) {
                auto nodes = to_vector(facility_nodes);
                std::optional<ReachTable> table;
                {
                    py::gil_scoped_release release;
                    table.emplace(n, std::move(nodes), k, max_distance);
                }
                const auto rows = static_cast<py::ssize_t>(n.num_nodes());
                py::array_t<double> dist({rows, static_cast<py::ssize_t>(k)});
                py::array_t<std::int32_t> fac({rows, static_cast<py::ssize_t>(k)});
                std::copy(table->distances().begin(), table->distances().end(), dist.mutable_data());
                std::copy(table->facilities().begin(), table->facilities().end(), fac.mutable_data());
                return py::make_tuple(dist, fac);
            },
            py::arg("facility_nodes"), py::arg("k"), py::arg("max_distance"),
            "k nearest facilities per node within max_distance metres: (distances [n, k], "
            "facility indices [n, k]); +inf and -1 where fewer are reachable.")
        .def(
            "reach_many",
            [](const WalkNetwork& n, const std::vector<std::vector<std::uint32_t>>& facility_nodes, int k,
               double max_distance) {
                std::vector<ReachTable> tables;
                {
                    py::gil_scoped_release release;
                    tables = build_reach_tables(n, facility_nodes, k, max_distance);
                }
                py::list out;
                const auto rows = static_cast<py::ssize_t>(n.num_nodes());
                for (const auto& t : tables) {
                    py::array_t<double> dist({rows, static_cast<py::ssize_t>(k)});
                    py::array_t<std::int32_t> fac({rows, static_cast<py::ssize_t>(k)});
                    std::copy(t.distances().begin(), t.distances().end(), dist.mutable_data());
                    std::copy(t.facilities().begin(), t.facilities().end(), fac.mutable_data());
                    out.append(py::make_tuple(dist, fac));
                }
                return out;
            },
            py::arg("facility_nodes"), py::arg("k"), py::arg("max_distance"),
            "reach() for several categories at once, in parallel.")
        .def(
            "greedy_sites",
            [](const WalkNetwork& n, const Array<std::uint32_t>& candidates, const Array<double>& weights,
               const Array<std::uint8_t>& covered, double ring, int count) {
                const auto cand = to_vector(candidates);
                const auto w = to_vector(weights);
                auto cov = to_vector(covered);
                std::vector<Site> sites;
                {
                    py::gil_scoped_release release;
                    sites = greedy_sites(n, cand, w, std::move(cov), ring, count);
                }
                std::vector<std::uint32_t> nodes;
                std::vector<double> gains;
                for (const auto& s : sites) {
                    nodes.push_back(s.node);
                    gains.push_back(s.gain);
                }
                return py::make_tuple(to_numpy(nodes), to_numpy(gains));
            },
            py::arg("candidates"), py::arg("weights"), py::arg("covered"), py::arg("ring"), py::arg("count"),
            "Greedy maximal coverage: up to `count` sites among candidate nodes, each bringing the most "
            "weight not yet covered within `ring` metres; returns (nodes, gains).")
        .def(
            "max_cover",
            [](const WalkNetwork& n, const Array<std::uint32_t>& candidates, const Array<std::uint32_t>& demand,
               const Array<double>& weights, const Array<double>& rings, int count, const std::string& method,
               double time_limit) {
                const auto cand = to_vector(candidates);
                const auto dem = to_vector(demand);
                const auto w = to_vector(weights);
                const auto r = to_vector(rings);
                Cover cover;
                {
                    py::gil_scoped_release release;
                    cover = max_cover(coverage_problem(n, cand, dem, w, r), count, method, time_limit);
                }
                py::dict out;
                out["sites"] = to_numpy(cover.sites);
                out["gains"] = to_numpy(cover.gains);
                out["covered"] = cover.covered;
                out["method"] = cover.method;
                out["status"] = cover.status;
                out["gap"] = cover.gap;
                return out;
            },
            py::arg("candidates"), py::arg("demand"), py::arg("weights"), py::arg("rings"), py::arg("count"),
            py::arg("method") = "exact", py::arg("time_limit") = 60.0,
            "Maximal covering (core/covering.hpp), the engine's own: up to `count` of the candidate nodes "
            "covering the most weight of the demand entries (node, weight, ring in metres each), by "
            "'exact' (HiGHS) or 'greedy'; returns {sites, gains, covered, method, status, gap}, the sites "
            "largest gain first. 'exact' in a build without HiGHS raises ArgumentError.");

    m.def(
        "import_osm",
        [](const std::string& path, const std::optional<std::string>& categories, bool keep_largest) {
            std::optional<OsmCity> city;
            {
                py::gil_scoped_release release;
                const auto map = categories ? CategoryMap::load(*categories) : CategoryMap::builtin();
                city.emplace(import_osm(path, map, keep_largest));
            }
            return city_dict(std::move(*city));
        },
        py::arg("path"), py::arg("categories") = py::none(), py::arg("keep_largest_component") = true,
        "Network and categorised facilities from an OpenStreetMap PBF/XML file.");
    m.def(
        "read_city", [](const std::string& path) { return city_dict(read_city(path)); }, py::arg("path"),
        "Network and facilities from a city file written by import-osm.");
    m.def(
        "read_osm_lines",
        [](const std::string& path) {
            std::vector<LineRun> runs;
            {
                py::gil_scoped_release release;
                runs = read_walkable_lines(path);
            }
            std::vector<std::int64_t> ids, start;
            std::vector<double> lon, lat;
            for (const auto& run : runs) {
                start.push_back(static_cast<std::int64_t>(ids.size()));
                ids.insert(ids.end(), run.ids.begin(), run.ids.end());
                lon.insert(lon.end(), run.lon.begin(), run.lon.end());
                lat.insert(lat.end(), run.lat.begin(), run.lat.end());
            }
            py::dict d;
            d["point_ids"] = to_numpy(ids);
            d["lon"] = to_numpy(lon);
            d["lat"] = to_numpy(lat);
            d["line_start"] = to_numpy(start);
            return d;
        },
        py::arg("path"),
        "The walkable ways of an OpenStreetMap file as lines before simplification (the import's own "
        "filter): {point_ids (OSM node ids), lon, lat, line_start}.");
    m.def(
        "network_from_lines",
        [](const Array<std::int64_t>& point_ids, const Array<double>& lon, const Array<double>& lat,
           const Array<std::int64_t>& line_start, bool keep_largest, const std::string& source) {
            const auto ids = to_vector(point_ids);
            const auto lons = to_vector(lon), lats = to_vector(lat);
            const auto starts = to_vector(line_start);
            if (lons.size() != ids.size() || lats.size() != ids.size())
                throw ArgumentError("network_from_lines: point_ids, lon and lat differ in length");
            std::vector<LineRun> runs;
            for (std::size_t l = 0; l < starts.size(); ++l) {
                const auto a = starts[l];
                const auto b = l + 1 < starts.size() ? starts[l + 1] : static_cast<std::int64_t>(ids.size());
                if (a < 0 || b < a || b > static_cast<std::int64_t>(ids.size()))
                    throw ArgumentError("network_from_lines: line_start must rise from 0 to the number of points");
                if (b - a < 2) continue;
                LineRun run;
                run.ids.assign(ids.begin() + a, ids.begin() + b);
                run.lon.assign(lons.begin() + a, lons.begin() + b);
                run.lat.assign(lats.begin() + a, lats.begin() + b);
                runs.push_back(std::move(run));
            }
            if (runs.empty()) throw InputError(source + ": no line with two points or more");
            std::optional<LineNetwork> lines;
            {
                py::gil_scoped_release release;
                lines.emplace(network_from_lines(runs, keep_largest, source));
            }
            py::dict d;
            d["origin_lon"] = lines->origin_lon;
            d["origin_lat"] = lines->origin_lat;
            d["network"] = std::make_shared<WalkNetwork>(std::move(lines->network));
            return d;
        },
        py::arg("point_ids"), py::arg("lon"), py::arg("lat"), py::arg("line_start"),
        py::arg("keep_largest_component") = true, py::arg("source") = "lines",
        "The walking network of lines (points in WGS84 lon/lat, one id a shared point; line l is points "
        "line_start[l] up to the next start), simplified and measured as the OpenStreetMap import does "
        "(core/line_network.hpp): {network, origin_lon, origin_lat}.");
    m.def(
        "write_city",
        [](const std::string& path, const WalkNetwork& network, double origin_lon, double origin_lat,
           const std::vector<std::string>& categories, const py::dict& facilities, const std::string& source,
           const std::string& attribution, const std::vector<std::string>& districts,
           const std::vector<std::string>& district_wkt, const py::dict& homes,
           const std::vector<std::string>& known_absent, const Array<std::int32_t>& node_district) {
            OsmCity city;
            city.network = network;
            city.origin_lon = origin_lon;
            city.origin_lat = origin_lat;
            city.categories = categories;
            city.attribution = attribution;
            city.districts = districts;
            city.district_wkt = district_wkt;
            city.known_absent = known_absent;
            city.node_district = to_vector(node_district);
            if (!city.node_district.empty() && city.node_district.size() != network.num_nodes())
                throw ArgumentError("write_city: node_district is not one value a node");
            if (district_wkt.size() != districts.size())
                throw ArgumentError("write_city: districts and district_wkt differ in length");
            const auto category = to_vector(facilities["category"].cast<Array<std::uint32_t>>());
            const auto id = to_vector(facilities["id"].cast<Array<std::int64_t>>());
            const auto lon = to_vector(facilities["lon"].cast<Array<double>>());
            const auto lat = to_vector(facilities["lat"].cast<Array<double>>());
            const auto district = to_vector(facilities["district"].cast<Array<std::int32_t>>());
            const auto name = facilities["name"].cast<std::vector<std::string>>();
            const auto type = facilities["source_type"].cast<std::vector<std::string>>();
            const auto n = category.size();
            if (id.size() != n || lon.size() != n || lat.size() != n || district.size() != n || name.size() != n ||
                type.size() != n)
                throw ArgumentError("write_city: the facilities' columns differ in length");
            for (std::size_t i = 0; i < n; ++i) {
                if (category[i] >= categories.size())
                    throw ArgumentError("write_city: facility " + std::to_string(i) + " has no such category");
                OsmFacility f;
                f.osm_id = id[i];
                f.osm_type = 'g';
                f.category = category[i];
                f.lon = lon[i];
                f.lat = lat[i];
                project(origin_lon, origin_lat, lon[i], lat[i], f.x, f.y);
                f.name = name[i];
                f.district = district[i];
                f.source_type = type[i];
                city.facilities.push_back(std::move(f));
            }
            const auto node = to_vector(homes["node"].cast<Array<std::uint32_t>>());
            const auto residents = to_vector(homes["residents"].cast<Array<double>>());
            const auto home_district = to_vector(homes["district"].cast<Array<std::int32_t>>());
            if (residents.size() != node.size() || home_district.size() != node.size())
                throw ArgumentError("write_city: homes' node, residents and district differ in length");
            for (std::size_t i = 0; i < node.size(); ++i) {
                if (node[i] >= network.num_nodes())
                    throw ArgumentError("write_city: home " + std::to_string(i) + " is not on a network node");
                city.homes.push_back({node[i], residents[i], home_district[i]});
            }
            py::gil_scoped_release release;
            write_city(path, city, source);
        },
        py::arg("path"), py::arg("network"), py::arg("origin_lon"), py::arg("origin_lat"), py::arg("categories"),
        py::arg("facilities"), py::arg("source"), py::arg("attribution"), py::arg("districts"), py::arg("district_wkt"),
        py::arg("homes"), py::arg("known_absent"), py::arg("node_district") = Array<std::int32_t>(0),
        "Writes a city file (core/city_file.hpp: sealed, through a temporary name) from a network and "
        "facilities given as columns (category index, id, lon, lat in WGS84, name, district index or -1, "
        "source_type), projected around (origin_lon, origin_lat) by the engine's projection; homes as "
        "columns node, residents, district.");
    m.def("exact_cover_available", &exact_cover_available,
          "Whether this build has HiGHS for exact maximal covering (scripts/highs.sh).");
    m.def("haversine", &haversine, py::arg("lon1"), py::arg("lat1"), py::arg("lon2"), py::arg("lat2"),
          "Great-circle distance in metres.");
}

}  // namespace lifecircle::bindings
