#include "models/world_builder.hpp"

#include <algorithm>
#include <cmath>

#include "core/city_file.hpp"
#include "core/coverage.hpp"
#include "core/csv_reader.hpp"
#include "core/error.hpp"
#include "core/osm_import.hpp"
#include "core/reach_table.hpp"
#include "core/spatial_index.hpp"
#include "models/facility.hpp"
#include "models/population.hpp"
#include "models/synthetic_city.hpp"

namespace lifecircle {

namespace detail {

void build_synthetic(World& w) {
    auto layout = make_synthetic_layout(w.scenario);
    w.facilities = place_baseline_facilities(w.scenario, layout);
    w.network = std::move(layout.network);
    w.node_district = std::move(layout.node_district);
    w.node_weight = std::move(layout.node_weight);
    w.node_commercial = std::move(layout.node_commercial);
    w.district_centre = std::move(layout.district_centre);
    w.origin_lon = 112.0447;  // PARAMETERS.md: Yuncheng district boundary centroid [S]
    w.origin_lat = 22.9308;
    synthesise_population(w, layout.district_nodes);
}

/// Residents' weights on the nodes from the scenario's population grid (CSV lon,lat,population
/// of 250 m cells): each cell inside the network's extent spreads its population over the
/// nodes inside its square (or its nearest node when it has none).
void weights_from_grid(World& w) {
    const Scenario& sc = w.scenario;
    const auto& net = w.network;
    const std::size_t n = net.num_nodes();
    const auto [xlo, xhi] = std::minmax_element(net.x().begin(), net.x().end());
    const auto [ylo, yhi] = std::minmax_element(net.y().begin(), net.y().end());
    if (sc.network.population_grid.empty())
        throw ConfigError(sc.path + ": network.population_grid: missing; expected a CSV of lon,lat,population");
    const auto grid = CsvTable::read(sc.network.population_grid, {"lon", "lat", "population"});
    const auto lon = grid.double_column("lon"), lat = grid.double_column("lat");
    const auto pop = grid.double_column("population");
    const SpatialIndex index(net.x(), net.y());
    double inside = 0;
    for (std::size_t i = 0; i < lon.size(); ++i) {
        double cx, cy;
        project(w.origin_lon, w.origin_lat, lon[i], lat[i], cx, cy);
        if (cx < *xlo || cx > *xhi || cy < *ylo || cy > *yhi || !(pop[i] > 0)) continue;
        inside += pop[i];
        std::vector<std::uint32_t> in_cell;
        for (std::uint32_t v = 0; v < n; ++v)
            if (std::abs(net.x()[v] - cx) <= 125.0 && std::abs(net.y()[v] - cy) <= 125.0) in_cell.push_back(v);
        if (in_cell.empty()) in_cell.push_back(index.nearest(cx, cy).node);
        for (auto v : in_cell) w.node_weight[v] += static_cast<float>(pop[i] / static_cast<double>(in_cell.size()));
    }
    if (inside <= 0) throw InputError(sc.network.population_grid + ": no populated cell inside the network's extent");
}

/// A real city: OSM network and facilities (by the categories' osm_tags), one district,
/// residents placed by a population grid of 250 m cells (CSV lon,lat,population).
void build_osm(World& w) {
    const Scenario& sc = w.scenario;
    std::vector<std::pair<std::string, std::vector<std::string>>> lists;
    for (const auto& c : sc.categories) lists.emplace_back(c.key, c.osm_tags);
    const auto map = sc.network.categories_path.empty() ? CategoryMap::from_lists(lists, sc.path)
                                                        : CategoryMap::load(sc.network.categories_path);
    OsmCity city = import_osm(sc.network.osm_path, map);
    const auto snaps = snap_facilities(city);
    w.network = std::move(city.network);
    w.origin_lon = city.origin_lon;
    w.origin_lat = city.origin_lat;
    const auto& net = w.network;
    const std::size_t n = net.num_nodes();
    w.node_district.assign(n, 0);
    w.node_commercial.assign(n, 0);
    w.node_weight.assign(n, 0.0f);
    for (std::size_t i = 0; i < city.facilities.size(); ++i) {
        const int c = sc.category_index(map.categories()[city.facilities[i].category].name);
        if (c < 0) continue;
        Facility f = make_facility(sc, snaps[i].node, c, 0);
        f.osm_id = city.facilities[i].osm_type == 'w' ? -city.facilities[i].osm_id : city.facilities[i].osm_id;
        f.dx = static_cast<float>(city.facilities[i].x - w.network.x()[snaps[i].node]);
        f.dy = static_cast<float>(city.facilities[i].y - w.network.y()[snaps[i].node]);
        w.facilities.push_back(f);
        w.node_commercial[snaps[i].node] = 1;
    }
    weights_from_grid(w);
    std::vector<std::vector<std::uint32_t>> nodes(1);
    for (std::uint32_t v = 0; v < n; ++v)
        if (w.node_weight[v] > 0) nodes[0].push_back(v);
    w.district_centre = {nodes[0][0]};
    synthesise_population(w, nodes);
}

/// Open facility nodes of each category (a multi-function shop counts in each of its).
std::vector<std::vector<std::uint32_t>> facility_nodes(const World& w) {
    std::vector<std::vector<std::uint32_t>> out(w.scenario.categories.size());
    for (const auto& f : w.facilities) {
        if (f.state != FacilityState::open) continue;
        out[f.category].push_back(f.node);
        for (std::size_t c = 0; c < out.size() && c < 64; ++c)
            if (c != f.category && (f.extra_categories >> c) & 1U) out[c].push_back(f.node);
    }
    return out;
}

/// A city file (import-osm, import-gis, import-csv): its network and facilities (the file's
/// category names matched to the scenario's keys; others left out), its districts matched
/// to the scenario's by name (a file without districts is one district, as OSM), residents
/// placed on its homes (or by the population grid where it has none).
void build_city(World& w) {
    const Scenario& sc = w.scenario;
    const std::string& path = sc.network.city_path;
    OsmCity city = read_city(path);
    const auto snaps = snap_facilities(city);
    w.network = std::move(city.network);
    w.origin_lon = city.origin_lon;
    w.origin_lat = city.origin_lat;
    const std::size_t n = w.network.num_nodes();
    const std::string where = sc.path + ": network.city: " + path;
    // the file's districts (by name) as the scenario's
    std::vector<int> scenario_district(city.districts.size(), -1);
    if (city.node_district.empty()) {
        if (sc.districts.size() != 1)
            throw ConfigError(where + " has no districts; the scenario has " + std::to_string(sc.districts.size()) +
                              ": expected one (or a city file written with boundaries)");
        w.node_district.assign(n, 0);
    } else {
        for (std::size_t i = 0; i < city.districts.size(); ++i) {
            scenario_district[i] = sc.district_index(city.districts[i]);
            if (scenario_district[i] < 0)
                throw ConfigError(where + ": district \"" + city.districts[i] +
                                  "\" is not one of the scenario's [[districts]] (by name or pinyin)");
        }
        for (const auto& d : sc.districts)
            if (std::find(city.districts.begin(), city.districts.end(), d.name) == city.districts.end() &&
                std::find(city.districts.begin(), city.districts.end(), d.pinyin) == city.districts.end())
                throw ConfigError(where + " has no district \"" + d.name +
                                  "\" (its districts are its boundaries' names)");
        w.node_district.assign(n, kNoDistrict);
        for (std::size_t v = 0; v < n; ++v)
            if (city.node_district[v] >= 0)
                w.node_district[v] =
                    static_cast<std::uint16_t>(scenario_district[static_cast<std::size_t>(city.node_district[v])]);
    }
    w.node_commercial.assign(n, 0);
    w.node_weight.assign(n, 0.0f);
    for (std::size_t i = 0; i < city.facilities.size(); ++i) {
        const auto& cf = city.facilities[i];
        const int c = sc.category_index(city.categories[cf.category]);
        if (c < 0) continue;
        const auto node = snaps[i].node;
        // a facility's district: the polygon it lies in, else its node's, else the first (a
        // facility outside every district still serves the residents who reach it)
        const int own = cf.district >= 0 ? scenario_district[static_cast<std::size_t>(cf.district)] : -1;
        const int d = own >= 0 ? own : w.node_district[node] != kNoDistrict ? w.node_district[node] : 0;
        Facility f = make_facility(sc, node, c, d);
        f.osm_id = cf.osm_type == 'w' ? -cf.osm_id : cf.osm_id;
        f.dx = static_cast<float>(cf.x - w.network.x()[node]);
        f.dy = static_cast<float>(cf.y - w.network.y()[node]);
        w.facilities.push_back(f);
        w.node_commercial[node] = 1;
    }
    if (!city.homes.empty()) {
        for (const auto& h : city.homes) w.node_weight[h.node] += static_cast<float>(h.residents);
    } else {
        weights_from_grid(w);
    }
    std::vector<std::vector<std::uint32_t>> nodes(sc.districts.size());
    for (std::uint32_t v = 0; v < n; ++v)
        if (w.node_weight[v] > 0 && w.node_district[v] != kNoDistrict) nodes[w.node_district[v]].push_back(v);
    w.district_centre.clear();
    for (std::size_t d = 0; d < nodes.size(); ++d) {
        if (nodes[d].empty())
            throw ConfigError(where + ": district " + sc.districts[d].name +
                              " has no residents' node (no home of the file, or no populated cell, inside it)");
        w.district_centre.push_back(nodes[d][0]);
    }
    synthesise_population(w, nodes);
}

}  // namespace detail

World build_world(const Scenario& scenario) {
    // the schema's limits (kMaxDistricts, kMaxCategories, one district for OSM) are checked
    // when the scenario is read (core/scenario.cpp), so `validate` reports them too
    World w;
    w.scenario = scenario;
    if (scenario.network.kind == "osm")
        detail::build_osm(w);
    else if (scenario.network.kind == "city")
        detail::build_city(w);
    else
        detail::build_synthetic(w);
    // a project list's sites must be nodes of its district, which only the world knows
    for (std::size_t i = 0; i < scenario.events.size(); ++i) {
        const auto& e = scenario.events[i];
        if (e.sites.empty() || !e.district) continue;
        const int d = scenario.district_index(*e.district);
        for (auto site : e.sites) {
            const std::string where = scenario.path + ":" + std::to_string(e.line) + ": events[" + std::to_string(i) +
                                      "].sites: node " + std::to_string(site);
            if (site >= w.network.num_nodes())
                throw ConfigError(where + " does not exist; the network has " + std::to_string(w.network.num_nodes()) +
                                  " nodes");
            if (w.node_district[site] != d)
                throw ConfigError(where + " is not in district " + *e.district +
                                  "; expected one of its nodes (Results.gaps lists them as sites)");
        }
    }
    return w;
}

std::vector<DistrictSummary> summarise_world(const World& w) {
    const Scenario& sc = w.scenario;
    double widest = 0;
    for (std::size_t c = 0; c < sc.categories.size(); ++c)
        for (int a = 0; a < kAgeGroups; ++a) widest = std::max(widest, sc.ring_metres(c, a));
    const auto tables = build_reach_tables(w.network, detail::facility_nodes(w), 1, widest);
    std::vector<DistrictSummary> out(sc.districts.size());
    const std::size_t nc = sc.categories.size();
    for (std::size_t d = 0; d < out.size(); ++d) {
        out[d].name = sc.districts[d].name;
        out[d].pinyin = sc.districts[d].pinyin;
        out[d].facilities.assign(nc, 0);
        out[d].in_ring.assign(nc, 0.0);
    }
    for (auto d : w.node_district)
        if (d != kNoDistrict) ++out[d].nodes;
    for (const auto& f : w.facilities)
        if (f.state == FacilityState::open && f.district != kNoDistrict) ++out[f.district].facilities[f.category];
    const auto& r = w.residents;
    for (std::size_t i = 0; i < r.size(); ++i) {
        auto& s = out[r.district[i]];
        ++s.residents;
        ++s.by_age[r.age[i]];
        for (std::size_t c = 0; c < nc; ++c)
            if (tables[c].distance(r.home_node[i], 0) <= sc.ring_metres(c, r.age[i])) s.in_ring[c] += 1;
    }
    for (std::size_t h = 0; h + 1 < w.household_start.size(); ++h) ++out[r.district[w.household_start[h]]].households;
    for (auto& s : out)
        for (auto& v : s.in_ring) v = s.residents > 0 ? v / static_cast<double>(s.residents) : 0.0;
    return out;
}

std::vector<std::vector<double>> node_coverage(const World& w, const std::vector<double>& minutes, double speed) {
    const double longest = *std::max_element(minutes.begin(), minutes.end());
    const auto tables = build_reach_tables(w.network, detail::facility_nodes(w), 1, longest * speed);
    std::vector<std::vector<double>> out;
    for (const auto& t : tables) out.push_back(coverage_shares(t, minutes, speed));
    return out;
}

}  // namespace lifecircle
