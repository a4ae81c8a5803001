// Scenarios (validation by the C++ schema) and worlds.
#include <memory>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/numpy_util.hpp"
#include "core/builtin_configs.hpp"
#include "core/error.hpp"
#include "core/osm_import.hpp"
#include "core/scenario.hpp"
#include "core/world.hpp"
#include "models/project_list.hpp"
#include "models/satisfaction.hpp"
#include "models/world_builder.hpp"

namespace py = pybind11;

namespace lifecircle::bindings {

namespace {

py::dict by_age(const std::array<double, kAgeGroups>& values) {
    py::dict d;
    for (int a = 0; a < kAgeGroups; ++a)
        d[kAgeGroupNames[static_cast<std::size_t>(a)]] = values[static_cast<std::size_t>(a)];
    return d;
}

py::dict category_dict(const Scenario& sc, std::size_t c) {
    const Category& cat = sc.categories[c];
    py::dict d;
    d["key"] = cat.key;
    d["zh"] = cat.zh;
    d["en"] = cat.en;
    d["class"] = kCategoryClassNames[static_cast<std::size_t>(cat.cls)];
    d["ring_minutes"] = cat.ring_minutes;  // 0: the ring is in metres (ring_metres, every age alike)
    std::array<double, kAgeGroups> ring{};
    py::list users;
    for (int a = 0; a < kAgeGroups; ++a) {
        ring[static_cast<std::size_t>(a)] = sc.ring_metres(c, a);
        bool uses = false;
        for (const auto& t : cat.trips_per_day) uses = uses || t[static_cast<std::size_t>(a)] > 0.0;
        if (uses) users.append(kAgeGroupNames[static_cast<std::size_t>(a)]);
    }
    d["ring_metres"] = by_age(ring);
    d["users"] = users;
    d["operator"] = kOperatorNames[static_cast<std::size_t>(cat.operator_)];
    d["counts_as"] = cat.counts_as;
    d["contract_cap_yuan_month"] = cat.contract_cap_yuan_month;
    d["list_sites"] = cat.list_sites;
    d["open_hour"] = cat.open_hour;
    d["close_hour"] = cat.close_hour;
    d["household"] = cat.household;
    py::dict trips;
    for (int t = 0; t < kDayTypes; ++t)
        trips[kDayTypeNames[static_cast<std::size_t>(t)]] = by_age(cat.trips_per_day[static_cast<std::size_t>(t)]);
    d["trips_per_day"] = trips;
    py::dict profile;
    for (std::size_t s = 0; s < cat.slot_profile.size() && s < sc.slots.size(); ++s)
        profile[py::str(sc.slots[s].name)] = cat.slot_profile[s];
    d["slot_profile"] = profile;
    d["spend_yuan"] = cat.spend_yuan;
    d["gross_margin"] = cat.gross_margin;
    d["floor_area_m2"] = cat.floor_area_m2;
    d["rent_yuan_m2_month"] = cat.rent_yuan_m2_month;
    d["staff_cost_yuan_month"] = cat.staff_cost_yuan_month;
    d["other_cost_yuan_month"] = cat.other_cost_yuan_month;
    d["decay"] = cat.decay;
    d["subsidy_eligible"] = cat.subsidy_eligible;
    d["deliverable"] = cat.deliverable;
    d["mobile_vendor"] = cat.mobile_vendor;
    d["round_the_clock"] = cat.round_the_clock;
    d["exit_per_year"] = cat.exit_per_year;
    d["fitout_yuan_m2"] = cat.fitout_yuan_m2;
    d["fitout_yuan"] = cat.fitout_yuan_m2 * cat.floor_area_m2;
    d["support_yuan_visit"] = cat.support_yuan_visit;
    d["osm_tags"] = cat.osm_tags;
    return d;
}

py::dict district_dict(const District& dist) {
    py::dict d;
    d["name"] = dist.name;
    d["pinyin"] = dist.pinyin;
    d["streets"] = dist.streets;
    d["programme_start"] = dist.programme_start;
    d["circle_class"] = kCircleClassNames[static_cast<std::size_t>(dist.circle_class)];
    d["form"] = kCommercialFormNames[static_cast<std::size_t>(dist.form)];
    d["population"] = dist.population;
    d["age_shares"] = by_age(dist.age_shares);
    d["household_size"] = dist.household_size;
    d["area_km2"] = dist.area_km2;
    d["delivery"] = dist.delivery;
    d["delivery_app_users"] = dist.delivery_app_users ? py::object(by_age(*dist.delivery_app_users)) : py::none();
    d["baseline"] = dist.baseline;
    d["known_absent"] = dist.known_absent;
    d["idle_sites_xy"] = dist.idle_sites;
    return d;
}

py::dict event_dict(const PolicyEvent& e) {
    py::dict d;
    d["date"] = e.date.str();
    d["type"] = kEventTypeNames[static_cast<std::size_t>(e.type)];
    d["district"] = e.district ? py::object(py::str(*e.district)) : py::none();
    d["category"] = e.category ? py::object(py::str(*e.category)) : py::none();
    d["rent_cut"] = e.rent_cut;
    d["grant_yuan_month"] = e.grant_yuan_month;
    d["count"] = e.count;
    d["open_hour"] = e.open_hour;
    d["close_hour"] = e.close_hour;
    d["adds"] = e.adds;
    d["adoption"] = e.adoption;
    d["residents"] = e.residents;
    d["commercial_share"] = e.commercial_share;
    d["sites"] = e.sites;
    d["sites_xy"] = e.sites_xy;
    d["gain"] = e.gain;
    d["idle"] = e.idle;
    d["target"] = e.target;
    d["budget_yuan"] = e.budget_yuan ? py::object(py::float_(*e.budget_yuan)) : py::none();
    d["months"] = e.months;
    d["method"] = e.method;
    d["line"] = e.line;
    return d;
}

/// The validated, defaulted scenario as plain Python data (docs/scenario.md names each key).
py::dict scenario_dict(const Scenario& sc) {
    py::dict d;
    d["path"] = sc.path;
    d["name"] = sc.name;
    d["start"] = sc.start.str();
    d["end"] = sc.end.str();
    d["first_simulated_day"] = sc.first_simulated_day().str();
    d["seed"] = sc.seed;
    d["walking_speed"] = by_age(sc.walking_speed);
    d["map_app_use"] = by_age(sc.map_app_use);
    d["satisfaction_target"] = sc.satisfaction_target;
    d["max_walk_minutes"] = sc.max_walk_minutes;
    const auto& s = sc.satisfaction;
    d["satisfaction"] = py::dict(
        py::arg("weight_basic") = s.weight_basic, py::arg("weight_quality") = s.weight_quality,
        py::arg("weight_government") = s.weight_government, py::arg("weight_unmet") = s.weight_unmet,
        py::arg("weight_night") = s.weight_night, py::arg("threshold_mean") = s.threshold_mean,
        py::arg("threshold_sd") = s.threshold_sd, py::arg("record") = kScoreRecordNames[static_cast<int>(s.record)],
        py::arg("record_dates") = [&] {
            std::vector<std::string> out;
            for (const auto& d : s.record_dates) out.push_back(d.str());
            return out;
        }());
    const auto& e = sc.economics;
    d["economics"] = py::dict(py::arg("breakeven_share") = e.breakeven_share, py::arg("loss_months") = e.loss_months,
                              py::arg("young_hazard_factor") = e.young_hazard_factor,
                              py::arg("capacity_visits_per_m2") = e.capacity_visits_per_m2,
                              py::arg("entry_rate") = e.entry_rate, py::arg("entry_sites") = e.entry_sites);
    const auto& m = sc.delivery;
    d["delivery"] = py::dict(py::arg("app_users") = by_age(m.app_users), py::arg("order_share") = m.order_share,
                             py::arg("couriers_per_10k") = m.couriers_per_10k,
                             py::arg("orders_per_courier_hour") = m.orders_per_courier_hour,
                             py::arg("night_couriers") = m.night_couriers);
    d["survey_sample"] = sc.survey_sample;
    d["spin_up_months"] = sc.spin_up_months;
    py::list slots, holidays, categories, districts, events;
    for (const auto& t : sc.slots)
        slots.append(
            py::dict(py::arg("name") = t.name, py::arg("start_hour") = t.start_hour, py::arg("end_hour") = t.end_hour));
    for (const auto& h : sc.holidays)
        holidays.append(
            py::dict(py::arg("name") = h.name, py::arg("start") = h.start.str(), py::arg("end") = h.end.str()));
    for (std::size_t c = 0; c < sc.categories.size(); ++c) categories.append(category_dict(sc, c));
    for (const auto& dist : sc.districts) districts.append(district_dict(dist));
    for (const auto& ev : sc.events) events.append(event_dict(ev));
    d["slots"] = slots;
    d["holidays"] = holidays;
    d["categories"] = categories;
    d["districts"] = districts;
    d["events"] = events;
    const auto& n = sc.network;
    d["network"] = py::dict(py::arg("kind") = n.kind, py::arg("osm") = n.osm_path, py::arg("city") = n.city_path,
                            py::arg("population_grid") = n.population_grid, py::arg("categories") = n.categories_path,
                            py::arg("block_min_m") = n.block_min_m, py::arg("block_max_m") = n.block_max_m);
    return d;
}

/// A results file's node table (x, y, district with -1 for none, commercial) as the siting
/// rules read it; `district` keeps the converted ids alive.
struct NodeTable {
    std::vector<double> x, y;
    std::vector<std::uint16_t> district;
    std::vector<std::uint8_t> commercial;
    NodeTable(const Array<double>& xs, const Array<double>& ys, const Array<std::int32_t>& ds,
              const Array<std::uint8_t>& cs)
        : x(xs.data(), xs.data() + xs.size()),
          y(ys.data(), ys.data() + ys.size()),
          commercial(cs.data(), cs.data() + cs.size()) {
        if (ys.size() != xs.size() || ds.size() != xs.size() || cs.size() != xs.size())
            throw ArgumentError("node table: x, y, district and commercial differ in length");
        for (py::ssize_t i = 0; i < ds.size(); ++i)
            district.push_back(ds.data()[i] < 0 ? kNoDistrict : static_cast<std::uint16_t>(ds.data()[i]));
    }
    NodeSites sites() const { return {x, y, district, commercial}; }
};

/// A numpy array as a span of its elements.
template <class T>
std::span<const T> span(const Array<T>& a) {
    return {a.data(), static_cast<std::size_t>(a.size())};
}

/// Results.rescore's arrays as the engine's rescoring reads them: the [satisfaction] model
/// (weights and threshold, every key required), the ring parts (rows of 3) and the
/// residents' months.
struct ScoreInputs {
    SatisfactionModel model;
    std::vector<ScorePlace> places;
    std::vector<ScoreResident> residents;

    ScoreInputs(const py::dict& d, const Array<float>& p, const Array<std::uint16_t>& needs,
                const Array<std::uint16_t>& unmet, const Array<std::uint8_t>& night_unmet) {
        for (auto [key, field] : {std::pair{"weight_basic", &model.weight_basic},
                                  {"weight_quality", &model.weight_quality},
                                  {"weight_government", &model.weight_government},
                                  {"weight_unmet", &model.weight_unmet},
                                  {"weight_night", &model.weight_night},
                                  {"threshold_mean", &model.threshold_mean},
                                  {"threshold_sd", &model.threshold_sd}}) {
            if (!d.contains(key)) throw ArgumentError(std::string("rescoring: the model lacks '") + key + "'");
            *field = d[key].cast<double>();
        }
        const auto n = static_cast<std::size_t>(needs.size());
        if (static_cast<std::size_t>(unmet.size()) != n || static_cast<std::size_t>(night_unmet.size()) != n)
            throw ArgumentError("rescoring: needs, unmet and night_unmet differ in length");
        if (p.ndim() != 2 || p.shape(1) != 3)
            throw ArgumentError("rescoring: places must be an array of shape (nodes x age groups, 3)");
        places.resize(static_cast<std::size_t>(p.shape(0)));
        for (std::size_t r = 0; r < places.size(); ++r) places[r] = {p.at(r, 0), p.at(r, 1), p.at(r, 2)};
        residents.resize(n);
        for (std::size_t i = 0; i < n; ++i) residents[i] = {needs.data()[i], unmet.data()[i], night_unmet.data()[i]};
    }
};

}  // namespace

void register_world(py::module_& m) {
    m.def(
        "candidate_sites",
        [](const Array<double>& x, const Array<double>& y, const Array<std::int32_t>& district,
           const Array<std::uint8_t>& commercial,
           std::size_t d) { return to_numpy(candidate_sites(NodeTable(x, y, district, commercial).sites(), d)); },
        py::arg("x"), py::arg("y"), py::arg("district"), py::arg("commercial"), py::arg("d"),
        "The engine's candidate sites of district d (core/world.hpp): its commercial nodes, or all its "
        "nodes when it has none; from a results file's /network table.");
    m.def(
        "idle_sites",
        [](const Array<double>& x, const Array<double>& y, const Array<std::int32_t>& district,
           const Array<std::uint8_t>& commercial, std::size_t d, const std::vector<std::array<double, 2>>& places) {
            return to_numpy(idle_sites(NodeTable(x, y, district, commercial).sites(), d, places));
        },
        py::arg("x"), py::arg("y"), py::arg("district"), py::arg("commercial"), py::arg("d"), py::arg("places"),
        "District d's idle public sites as the engine places them: each place's nearest node of the "
        "district, of any kind, a node once.");
    m.def(
        "serves",
        [](const Array<std::int32_t>& category, const Array<std::int64_t>& extra, std::size_t c) {
            if (category.size() != extra.size()) throw ArgumentError("serves: category and extra differ in length");
            std::vector<std::uint8_t> out(static_cast<std::size_t>(category.size()));
            for (std::size_t i = 0; i < out.size(); ++i)
                out[i] = serves(static_cast<std::size_t>(category.data()[i]),
                                static_cast<std::uint64_t>(extra.data()[i]), c);
            return to_numpy(out).attr("astype")("bool");
        },
        py::arg("category"), py::arg("extra_categories"), py::arg("c"),
        "Per facility of a results file's /facilities table: whether it serves category c (its own, or "
        "one a multi-function shop added), the engine's rule (core/world.hpp).");
    m.def(
        "unproject",
        [](double lon0, double lat0, const Array<double>& x, const Array<double>& y) {
            if (x.size() != y.size()) throw ArgumentError("unproject: x and y differ in length");
            std::vector<double> lon(static_cast<std::size_t>(x.size())), lat(lon.size());
            for (std::size_t i = 0; i < lon.size(); ++i)
                unproject(lon0, lat0, x.data()[i], y.data()[i], lon[i], lat[i]);
            return py::make_tuple(to_numpy(lon), to_numpy(lat));
        },
        py::arg("lon0"), py::arg("lat0"), py::arg("x"), py::arg("y"),
        "Longitude and latitude (degrees) of map metres around the origin (lon0, lat0): the exact inverse of "
        "the projection the OSM import and the synthetic town use (core/osm_import.hpp).");
    m.def(
        "project",
        [](double lon0, double lat0, const Array<double>& lon, const Array<double>& lat) {
            if (lon.size() != lat.size()) throw ArgumentError("project: lon and lat differ in length");
            std::vector<double> x(static_cast<std::size_t>(lon.size())), y(x.size());
            for (std::size_t i = 0; i < x.size(); ++i) project(lon0, lat0, lon.data()[i], lat.data()[i], x[i], y[i]);
            return py::make_tuple(to_numpy(x), to_numpy(y));
        },
        py::arg("lon0"), py::arg("lat0"), py::arg("lon"), py::arg("lat"),
        "Map metres (east, north) around the origin (lon0, lat0) of longitudes and latitudes: the engine's "
        "projection (core/osm_import.hpp).");
    m.def(
        "scenario_spec",
        [](const std::string& text, const std::string& path, bool check_files) {
            return scenario_dict(parse_scenario(text, path, check_files));
        },
        py::arg("text"), py::arg("path"), py::arg("check_files") = true,
        "The scenario as the engine reads it: validated (ConfigError listing every problem), every default "
        "filled in, events in the order the engine applies them; categories and districts as lists in "
        "file order, each category with its ring in metres per age group and its users (the age groups "
        "making its trips). check_files=False: the data files it names need not exist (a scenario recorded "
        "in a results file).");
    m.def(
        "phase_dates",
        [](const std::string& date, int n, int months) {
            const auto d = Date::parse(date);
            if (!d) throw ArgumentError("phase_dates: date " + date + "; expected YYYY-MM-DD");
            if (n < 0 || months < 1) throw ArgumentError("phase_dates: expected n >= 0 and months >= 1");
            std::vector<Project> projects(static_cast<std::size_t>(n));
            phase_projects(projects, *d, months);
            std::vector<std::string> out;
            for (const auto& p : projects) out.push_back(Date::from_days(p.open_day).str());
            return out;
        },
        py::arg("date"), py::arg("n"), py::arg("months"),
        "The opening dates of a list's n projects drawn on `date` and phased over `months` months, as the "
        "engine phases a circle_plan's list (models/project_list.hpp).");
    m.def(
        "ring_score",
        [](const Array<double>& distance, double ring_m) {
            std::vector<double> out(static_cast<std::size_t>(distance.size()));
            for (std::size_t i = 0; i < out.size(); ++i) out[i] = ring_score(distance.data()[i], ring_m);
            return to_numpy(out);
        },
        py::arg("distance"), py::arg("ring_m"),
        "The closeness score (0-1) of facilities `distance` metres away to a ring of `ring_m` metres, the "
        "satisfaction score's rule (models/satisfaction.hpp ring_score).");
    m.def(
        "threshold_normals",
        [](std::uint64_t seed, std::size_t n) {
            std::vector<double> out(n);
            for (std::size_t i = 0; i < n; ++i) out[i] = threshold_normal(seed, i);
            return to_numpy(out);
        },
        py::arg("seed"), py::arg("n"),
        "The standard normal draws behind residents 0..n-1's satisfaction thresholds under `seed` "
        "(models/satisfaction.hpp threshold_normal): threshold = clip(mean + sd z, 0.05, 0.99).");
    m.def(
        "rescore_month",
        [](const py::dict& model, std::uint64_t seed, std::uint64_t month_index, int survey_sample,
           std::size_t districts, const Array<std::uint32_t>& home_node, const Array<std::uint8_t>& age,
           const Array<std::uint16_t>& district, const Array<double>& normal, const Array<float>& places,
           const Array<std::uint16_t>& needs, const Array<std::uint16_t>& unmet,
           const Array<std::uint8_t>& night_unmet) {
            const ScoreInputs in(model, places, needs, unmet, night_unmet);
            Rescored out;
            try {
                out = rescore_month(in.model, seed, month_index, survey_sample, districts, span(home_node), span(age),
                                    span(district), span(normal), in.places, in.residents);
            } catch (const std::invalid_argument& e) {
                throw ArgumentError(e.what());
            }
            return py::make_tuple(to_numpy(out.satisfied), to_numpy(out.survey_n), to_numpy(out.survey_satisfied));
        },
        py::arg("model"), py::arg("seed"), py::arg("month_index"), py::arg("survey_sample"), py::arg("districts"),
        py::arg("home_node"), py::arg("age"), py::arg("district"), py::arg("normal"), py::arg("places"),
        py::arg("needs"), py::arg("unmet"), py::arg("night_unmet"),
        "A recorded month re-scored under `model` (the [satisfaction] weights and threshold): per district "
        "the satisfied residents, the emulated survey's respondents and its satisfied, exactly as a run "
        "with that model records them (models/satisfaction.hpp rescore_month). Used by Results.rescore.");
    m.def(
        "rescore_month_thresholds",
        [](const py::dict& model, const Array<double>& means, const Array<double>& sds, std::uint64_t seed,
           std::uint64_t month_index, int survey_sample, std::size_t districts, const Array<std::uint32_t>& home_node,
           const Array<std::uint8_t>& age, const Array<std::uint16_t>& district, const Array<double>& normal,
           const Array<float>& places, const Array<std::uint16_t>& needs, const Array<std::uint16_t>& unmet,
           const Array<std::uint8_t>& night_unmet) {
            const ScoreInputs in(model, places, needs, unmet, night_unmet);
            RescoredMany out;
            try {
                out = rescore_month_thresholds(in.model, span(means), span(sds), seed, month_index, survey_sample,
                                               districts, span(home_node), span(age), span(district), span(normal),
                                               in.places, in.residents);
            } catch (const std::invalid_argument& e) {
                throw ArgumentError(e.what());
            }
            return py::make_tuple(to_numpy(out.satisfied), to_numpy(out.survey_n), to_numpy(out.survey_satisfied));
        },
        py::arg("model"), py::arg("means"), py::arg("sds"), py::arg("seed"), py::arg("month_index"),
        py::arg("survey_sample"), py::arg("districts"), py::arg("home_node"), py::arg("age"), py::arg("district"),
        py::arg("normal"), py::arg("places"), py::arg("needs"), py::arg("unmet"), py::arg("night_unmet"),
        "rescore_month for many thresholds at once under the weights of `model`: draw j takes threshold mean "
        "means[j] and spread sds[j]; satisfied and survey_satisfied are draws x districts (row-major), "
        "each row what rescore_month gives with that threshold. Used by Results.rescore_many.");
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
        "builtin_amap_categories_text", [] { return std::string(kBuiltinAmapCategories); },
        "configs/amap_categories.toml as built in: Amap POI type codes to facility categories.");
    m.def(
        "builtin_yunfu_text", [] { return std::string(kBuiltinYunfu); },
        "The text of the built-in default scenario (configs/yunfu.toml).");
    // constants Python reads instead of copying them
    m.attr("BUILTIN_YUNFU_NAME") = std::string(kBuiltinYunfuName);
    m.attr("AGE_GROUPS") = py::tuple(py::cast(std::vector<std::string>(kAgeGroupNames.begin(), kAgeGroupNames.end())));
    m.attr("FACILITY_ORIGINS") =
        py::tuple(py::cast(std::vector<std::string>(kFacilityOriginNames.begin(), kFacilityOriginNames.end())));
    m.attr("MAX_DISTRICTS") = kMaxDistricts;
    // a circle_plan's default coverage target (core/scenario.hpp): project and gap lists' too
    m.attr("LIST_TARGET") = PolicyEvent{}.target;
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
