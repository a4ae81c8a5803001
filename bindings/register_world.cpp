// Scenarios (validation by the C++ schema) and worlds.
#include <memory>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/numpy_util.hpp"
#include "core/builtin_configs.hpp"
#include "core/error.hpp"
#include "core/scenario.hpp"
#include "core/world.hpp"
#include "models/world_builder.hpp"

namespace py = pybind11;

namespace lifecircle::bindings {

void register_world(py::module_& m) {
    m.def(
        "validate_scenario",
        [](const std::string& text, const std::string& path) {
            const Scenario sc = parse_scenario(text, path);
            py::dict d;
            d["districts"] = sc.districts.size();
            d["residents"] = sc.total_population();
            d["categories"] = sc.categories.size();
            d["events"] = sc.events.size();
            return d;
        },
        py::arg("text"), py::arg("path"),
        "Validates scenario TOML with the C++ schema; raises ConfigError listing every problem.");
    m.def(
        "builtin_yunfu_text", [] { return std::string(kBuiltinYunfu); },
        "The text of the built-in default scenario (configs/yunfu.toml).");
    // constants Python reads instead of copying them
    m.attr("BUILTIN_YUNFU_NAME") = std::string(kBuiltinYunfuName);
    m.attr("AGE_GROUPS") = py::tuple(py::cast(std::vector<std::string>(kAgeGroupNames.begin(), kAgeGroupNames.end())));
    m.attr("FACILITY_ORIGINS") =
        py::tuple(py::cast(std::vector<std::string>(kFacilityOriginNames.begin(), kFacilityOriginNames.end())));
    m.attr("MAX_DISTRICTS") = kMaxDistricts;
    m.attr("MAX_CATEGORIES") = kMaxCategories;

    py::class_<World, std::shared_ptr<World>>(m, "World")
        .def(py::init([](const std::string& text, const std::string& path) {
                 const Scenario sc = parse_scenario(text, path);
                 py::gil_scoped_release release;
                 return std::make_shared<World>(build_world(sc));
             }),
             py::arg("text"), py::arg("path"))
        .def_property_readonly("num_nodes", [](const World& w) { return w.network.num_nodes(); })
        .def_property_readonly("num_households", &World::num_households)
        .def_property_readonly("node_x", [](const World& w) { return to_numpy(w.network.x()); })
        .def_property_readonly("node_y", [](const World& w) { return to_numpy(w.network.y()); })
        .def_property_readonly("node_district", [](const World& w) { return to_numpy(w.node_district); })
        .def_property_readonly("residents",
                               [](const World& w) {
                                   py::dict d;
                                   d["home_node"] = to_numpy(w.residents.home_node);
                                   d["household"] = to_numpy(w.residents.household);
                                   d["district"] = to_numpy(w.residents.district);
                                   d["age_group"] = to_numpy(w.residents.age);
                                   std::vector<std::uint8_t> app;
                                   for (auto f : w.residents.flags) app.push_back(f & Residents::kMapApp ? 1 : 0);
                                   d["map_app"] = to_numpy(app);
                                   return d;
                               })
        .def_property_readonly("facilities",
                               [](const World& w) {
                                   const auto& fs = w.facilities;
                                   py::dict d;
                                   d["node"] = column(fs, &Facility::node);
                                   d["category"] = column(fs, &Facility::category);
                                   d["district"] = column(fs, &Facility::district);
                                   d["open_hour"] = column(fs, &Facility::open_hour);
                                   d["close_hour"] = column(fs, &Facility::close_hour);
                                   d["floor_area_m2"] = column(fs, &Facility::floor_area_m2);
                                   return d;
                               })
        .def("summary", [](const World& w) {
            py::list rows;
            for (const auto& s : summarise_world(w)) {
                py::dict d;
                d["district"] = s.name;
                d["pinyin"] = s.pinyin;
                d["residents"] = s.residents;
                d["households"] = s.households;
                d["nodes"] = s.nodes;
                d["by_age"] = s.by_age;
                d["facilities"] = s.facilities;
                d["in_ring"] = s.in_ring;
                rows.append(d);
            }
            return rows;
        });
}

}  // namespace lifecircle::bindings
