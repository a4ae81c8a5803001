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
        osm_type.emplace_back(1, f.osm_type == 'w' ? 'w' : 'n');
        name.push_back(f.name);
    }
    fac["osm_type"] = osm_type;
    fac["lon"] = column(fs, &OsmFacility::lon);
    fac["lat"] = column(fs, &OsmFacility::lat);
    fac["x"] = column(fs, &OsmFacility::x);
    fac["y"] = column(fs, &OsmFacility::y);
    fac["name"] = name;
    d["facilities"] = fac;
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
    m.def("exact_cover_available", &exact_cover_available,
          "Whether this build has HiGHS for exact maximal covering (scripts/highs.sh).");
    m.def("haversine", &haversine, py::arg("lon1"), py::arg("lat1"), py::arg("lon2"), py::arg("lat2"),
          "Great-circle distance in metres.");
}

}  // namespace lifecircle::bindings
