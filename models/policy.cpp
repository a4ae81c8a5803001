#include "models/policy.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "core/rng.hpp"
#include "core/streams.hpp"
#include "models/facility.hpp"
#include "models/market.hpp"

namespace lifecircle {

std::vector<std::size_t> event_districts(const Scenario& sc, const PolicyEvent& e) {
    std::vector<std::size_t> out;
    if (e.district)
        out.push_back(static_cast<std::size_t>(sc.district_index(*e.district)));
    else
        for (std::size_t d = 0; d < sc.districts.size(); ++d) out.push_back(d);
    return out;
}

void apply_event(const PolicyEvent& e, std::size_t index, std::int64_t day, PolicyTarget& t) {
    switch (e.type) {
        case EventType::join_programme:
            join_programme(e, t);
            break;
        case EventType::subsidy:
            apply_subsidy(e, t);
            break;
        case EventType::plan_facility:
        case EventType::elder_canteen:
        case EventType::mobile_vendor:
            plan_facilities(e, day, t);
            break;
        case EventType::extend_hours:
            extend_hours(e, t);
            break;
        case EventType::multi_function:
            multi_function(e, t);
            break;
        case EventType::map_app:
            map_app(e, index, t);
            break;
        case EventType::new_housing:
            new_housing(e, index, day, t);
            break;
        case EventType::circle_plan:
            circle_plan(e, index, Date::from_days(day), t);
            break;
    }
}

void join_programme(const PolicyEvent& e, PolicyTarget& t) {
    for (auto d : event_districts(t.world.scenario, e)) t.levers.in_programme[d] = 1;
}

void apply_subsidy(const PolicyEvent& e, PolicyTarget& t) {
    const auto c = static_cast<std::size_t>(t.world.scenario.category_index(*e.category));
    for (auto d : event_districts(t.world.scenario, e)) {
        t.levers.rent_cut[t.levers.at(d, c)] = e.rent_cut;
        t.levers.grant_yuan[t.levers.at(d, c)] = e.grant_yuan_month;
    }
}

void plan_facilities(const PolicyEvent& e, std::int64_t day, PolicyTarget& t) {
    const Scenario& sc = t.world.scenario;
    const int c =
        e.type == EventType::elder_canteen ? sc.category_index("elder_canteen") : sc.category_index(*e.category);
    const auto per_node = residents_per_node(t.world);
    for (auto d : event_districts(sc, e))
        for (int k = 0; k < e.count; ++k) {
            const auto kk = static_cast<std::size_t>(k);
            const auto site = !e.sites.empty() ? e.sites[kk]
                              : !e.sites_xy.empty()
                                  ? nearest_site(t.world, d, e.sites_xy[kk], e.idle)
                                  : t.sites.best_site(t.world, t.reach, d, static_cast<std::size_t>(c), per_node);
            Facility f;
            if (e.type == EventType::mobile_vendor) {
                f = make_mobile_vendor(sc, site, c, static_cast<int>(d));
            } else {
                f = make_facility(sc, site, c, static_cast<int>(d));
                f.origin = FacilityOrigin::planned;
            }
            t.levers.capital_fen[d] += std::llround(100.0 * sc.categories[static_cast<std::size_t>(c)].fitout_yuan_m2 *
                                                    static_cast<double>(f.floor_area_m2));
            open_facility(t.world, t.reach, f, day);
        }
}

void circle_plan(const PolicyEvent& e, std::size_t index, const Date& date, PolicyTarget& t) {
    const Scenario& sc = t.world.scenario;
    ListRequest request;
    request.district = static_cast<std::size_t>(sc.district_index(*e.district));
    request.target = e.target;
    request.budget_yuan = e.budget_yuan;
    request.method = e.method;
    std::vector<Project> earlier;
    std::vector<std::int32_t> lists;
    for (const auto& p : t.projects)
        if (static_cast<std::size_t>(p.district) == request.district) {
            earlier.push_back(p);
            if (std::find(lists.begin(), lists.end(), p.list) == lists.end()) lists.push_back(p.list);
        }
    auto drawn = draw_project_list(t.world, t.reach, t.district_residents[request.district], request, earlier);
    phase_projects(drawn, date, e.months);
    for (auto& p : drawn) {
        p.list = static_cast<std::int32_t>(index);
        p.round = static_cast<std::int32_t>(lists.size() + 1);
        if (p.open_day <= sc.end.days()) t.projects.push_back(p);
    }
}

bool open_projects_due(std::int64_t day, PolicyTarget& t) {
    const Scenario& sc = t.world.scenario;
    bool opened = false;
    for (auto& p : t.projects) {
        if (p.facility >= 0 || p.open_day > day) continue;
        const auto& cat = sc.categories[static_cast<std::size_t>(p.category)];
        Facility f = make_facility(sc, p.site, p.category, p.district);
        f.origin = FacilityOrigin::planned;
        t.levers.capital_fen[static_cast<std::size_t>(p.district)] +=
            std::llround(100.0 * cat.fitout_yuan_m2 * static_cast<double>(f.floor_area_m2));
        p.facility = static_cast<std::int32_t>(open_facility(t.world, t.reach, f, day));
        opened = true;
    }
    return opened;
}

void extend_hours(const PolicyEvent& e, PolicyTarget& t) {
    const Scenario& sc = t.world.scenario;
    const int c = sc.category_index(*e.category);
    const int d = e.district ? sc.district_index(*e.district) : -1;
    for (auto& f : t.world.facilities)
        if (f.category == c && f.state == FacilityState::open && !f.mobile && (d < 0 || f.district == d)) {
            f.open_hour = static_cast<float>(e.open_hour);
            f.close_hour = static_cast<float>(e.close_hour);
            f.slot_mask = open_slots(f, sc.slots);
            t.reach.touch(f);
        }
}

void multi_function(const PolicyEvent& e, PolicyTarget& t) {
    const Scenario& sc = t.world.scenario;
    const int c = sc.category_index(*e.category);
    const int d = e.district ? sc.district_index(*e.district) : -1;
    for (std::uint32_t id = 0; id < t.world.facilities.size(); ++id) {
        auto& f = t.world.facilities[id];
        if (f.category != c || f.state != FacilityState::open || (d >= 0 && f.district != d)) continue;
        for (const auto& add : e.adds) {
            const auto a = static_cast<std::size_t>(sc.category_index(add));
            if (serves(f, a)) continue;
            f.extra_categories |= std::uint64_t{1} << a;
            t.reach.add(t.world, id, a);
        }
    }
}

void map_app(const PolicyEvent& e, std::size_t index, PolicyTarget& t) {
    auto& flags = t.world.residents.flags;
    const CounterRng rng(t.world.scenario.seed, streams::app_adoption(index));
    for (auto d : event_districts(t.world.scenario, e)) {
        const auto& members = t.district_residents[d];
        std::int64_t users = 0;
        for (auto i : members) users += flags[i] & Residents::kMapApp;
        const double now = members.empty() ? 1.0 : static_cast<double>(users) / members.size();
        if (e.adoption <= now) continue;
        const double p = (e.adoption - now) / (1.0 - now);
        for (auto i : members)
            if (!(flags[i] & Residents::kMapApp) && rng.uniform(i) < p) flags[i] |= Residents::kMapApp;
    }
}

namespace detail {

/// Adds `count` residents in households of the district's mean size on its nodes.
void add_households(const PolicyEvent& e, std::size_t d, const CounterRng& rng, std::int64_t day, PolicyTarget& t) {
    World& w = t.world;
    const auto& dist = w.scenario.districts[d];
    std::vector<std::uint32_t> nodes;
    for (std::uint32_t v = 0; v < w.network.num_nodes(); ++v)
        if (w.node_district[v] == d) nodes.push_back(v);
    if (nodes.empty()) return;
    const int size = std::max(1, static_cast<int>(std::lround(dist.household_size)));
    std::int64_t added = 0;
    std::uint64_t draw = 0;
    while (added < e.residents) {
        const std::uint32_t home = nodes[rng.below(draw++, nodes.size())];
        const auto household = static_cast<std::uint32_t>(w.num_households());
        for (int m = 0; m < size && added < e.residents; ++m, ++added) {
            double u = rng.uniform(draw++);
            int age = 0;
            while (age < kAgeGroups - 1 && u >= dist.age_shares[age]) u -= dist.age_shares[age++];
            if (m == 0 && age == 0) age = 1;  // an adult heads the household
            const auto id = static_cast<std::uint32_t>(w.residents.size());
            w.residents.home_node.push_back(home);
            w.residents.household.push_back(household);
            w.residents.district.push_back(static_cast<std::uint16_t>(d));
            w.residents.age.push_back(static_cast<std::uint8_t>(age));
            w.residents.flags.push_back(
                static_cast<std::uint8_t>((rng.uniform(draw++) < w.scenario.map_app_use[age] ? Residents::kMapApp : 0) |
                                          (m == 0 ? Residents::kHead : 0) |
                                          (orders_delivery(w.scenario, d, age, id) ? Residents::kDelivery : 0)));
            t.district_residents[d].push_back(id);
            t.added_day.push_back(static_cast<std::int32_t>(day));
        }
        w.household_start.push_back(static_cast<std::uint32_t>(w.residents.size()));
    }
}

}  // namespace detail

void new_housing(const PolicyEvent& e, std::size_t index, std::int64_t day, PolicyTarget& t) {
    World& w = t.world;
    const Scenario& sc = w.scenario;
    const auto d = static_cast<std::size_t>(sc.district_index(*e.district));
    bool has_nodes = false;
    for (std::uint32_t v = 0; v < w.network.num_nodes() && !has_nodes; ++v) has_nodes = w.node_district[v] == d;
    if (!has_nodes) return;
    detail::add_households(e, d, CounterRng(sc.seed, streams::housing(index)), day, t);
    const auto& dist = sc.districts[d];
    const double floor = static_cast<double>(e.residents) / dist.household_size * 100.0 * e.commercial_share;
    int shops = static_cast<int>(floor / 80.0);
    // commercial categories by the share of the district's residents inside their ring, worst first
    const auto per_node = residents_per_node(w);
    std::vector<std::pair<double, std::size_t>> order;
    for (std::size_t c = 0; c < sc.categories.size(); ++c) {
        if (!is_commercial(sc.categories[c])) continue;
        const double ring = sc.ring_metres(c, static_cast<int>(AgeGroup::working));
        std::int64_t inside = 0, total = 0;
        for (std::uint32_t v = 0; v < w.network.num_nodes(); ++v)
            if (w.node_district[v] == d) {
                total += per_node[v];
                if (t.reach.nearest(c, v) <= ring) inside += per_node[v];
            }
        order.emplace_back(total ? static_cast<double>(inside) / total : 1.0, c);
    }
    std::stable_sort(order.begin(), order.end());
    for (std::size_t k = 0; shops > 0 && !order.empty(); ++k, --shops) {
        const auto c = order[k % order.size()].second;
        Facility f =
            make_facility(sc, t.sites.best_site(w, t.reach, d, c, per_node), static_cast<int>(c), static_cast<int>(d));
        f.origin = FacilityOrigin::planned;
        open_facility(w, t.reach, f, day);
    }
}

}  // namespace lifecircle
