#include "models/policy.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "core/rng.hpp"
#include "core/streams.hpp"
#include "models/facility.hpp"
#include "models/levers.hpp"
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
        case EventType::close_facility:
            close_facilities(e, day, t);
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
                if (e.operator_) f.operator_ = *e.operator_;
                f.grant_yuan = static_cast<float>(e.grant_yuan_month);
            }
            apply_standing_rules(t.levers, t.levers.at(d, static_cast<std::size_t>(c)), f);
            t.levers.capital_fen[d] += std::llround(100.0 * sc.categories[static_cast<std::size_t>(c)].fitout_yuan_m2 *
                                                    static_cast<double>(f.floor_area_m2));
            open_facility(t.world, t.reach, f, day);
        }
}

void close_facilities(const PolicyEvent& e, std::int64_t day, PolicyTarget& t) {
    World& w = t.world;
    const auto c = static_cast<std::uint32_t>(w.scenario.category_index(*e.category));
    const auto d = static_cast<std::size_t>(w.scenario.district_index(*e.district));
    std::vector<std::uint32_t> open;  // the district's public and contracted ones, newest first
    for (std::uint32_t id = 0; id < w.facilities.size(); ++id) {
        const Facility& f = w.facilities[id];
        if (f.state == FacilityState::open && f.category == c && f.district == d && f.operator_ != Operator::private_)
            open.push_back(id);
    }
    std::stable_sort(open.begin(), open.end(), [&](std::uint32_t a, std::uint32_t b) {
        return std::pair{w.facilities[a].opened_day, a} > std::pair{w.facilities[b].opened_day, b};
    });
    std::vector<std::uint32_t> closing;
    if (e.sites_xy.empty()) {
        closing.assign(open.begin(), open.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(
                                                        open.size(), static_cast<std::size_t>(e.count))));
    } else {
        for (const auto& [x, y] : e.sites_xy) {  // each place: the nearest still open, ties to the newest
            double best = std::numeric_limits<double>::infinity();
            auto pick = open.end();
            for (auto it = open.begin(); it != open.end(); ++it) {
                const Facility& f = w.facilities[*it];
                const double dx = w.network.x()[f.node] + f.dx - x, dy = w.network.y()[f.node] + f.dy - y;
                if (dx * dx + dy * dy < best) best = dx * dx + dy * dy, pick = it;
            }
            if (pick == open.end()) break;
            closing.push_back(*pick);
            open.erase(pick);
        }
    }
    close_facilities(w, t.reach, closing, day);
}

namespace {

/// A list's private projects priced as an entrant prices a site: expected revenue from the
/// choice model against the shops open now (expected_revenues) x margin, less the costs a new
/// shop there would pay (entrant_costs_fen); those below break-even supported, dropped or kept
/// as the event says.
void price_projects(std::vector<Project>& drawn, const PolicyEvent& e, PolicyTarget& t) {
    const Scenario& sc = t.world.scenario;
    // no market to go by: a list drawn outside a run, or on its first day
    if (!t.cache || std::all_of(t.needs.begin(), t.needs.end(), [](std::int64_t n) { return n == 0; })) return;
    const EntryDemand demand = entry_demand(t.world, t.needs);
    auto priced = [&](const Project& p) {
        return is_commercial(sc.categories[static_cast<std::size_t>(p.category)]) &&
               p.operator_ == static_cast<std::uint8_t>(Operator::private_);
    };
    std::vector<EntrySites::Site> sites(drawn.size());
    for (std::size_t i = 0; i < drawn.size(); ++i)
        if (priced(drawn[i])) sites[i] = t.entry_sites.site_at(t.world, drawn[i].site);
    std::vector<Project> kept;
    for (std::size_t i = 0; i < drawn.size(); ++i) {
        Project p = drawn[i];
        if (priced(p)) {
            // against the shops open now and the list's other sites of the category, all open
            std::vector<const EntrySites::Site*> rivals;
            for (std::size_t j = 0; j < drawn.size(); ++j)
                if (j != i && drawn[j].category == p.category) rivals.push_back(&sites[j]);
            const auto c = static_cast<std::size_t>(p.category);
            const double revenue =
                expected_revenue_among(t.world, *t.cache, demand, t.entry_sites, sites[i], rivals, c, t.spend_fen[c]);
            const double profit = revenue * sc.categories[c].gross_margin -
                                  entrant_costs_fen(sc, t.levers, static_cast<std::size_t>(p.district), c);
            p.expected_profit_yuan = profit / 100.0;
            if (profit < 0.0 && e.unprofitable == "drop") continue;
            if (profit < 0.0 && e.unprofitable == "support") p.support_yuan_month = -profit / 100.0;
        }
        kept.push_back(p);
    }
    drawn = std::move(kept);
}

}  // namespace

void circle_plan(const PolicyEvent& e, std::size_t index, const Date& date, PolicyTarget& t) {
    const Scenario& sc = t.world.scenario;
    ListRequest request;
    request.district = static_cast<std::size_t>(sc.district_index(*e.district));
    request.target = e.target;
    request.budget_yuan = e.budget_yuan;
    request.method = e.method;
    request.categories = sc.list_categories(request.district);
    std::vector<Project> earlier;
    std::vector<std::int32_t> lists;
    for (const auto& p : t.projects)
        if (static_cast<std::size_t>(p.district) == request.district) {
            earlier.push_back(p);
            if (std::find(lists.begin(), lists.end(), p.list) == lists.end()) lists.push_back(p.list);
        }
    auto drawn = draw_project_list(t.world, t.reach, t.district_residents[request.district], request, earlier,
                                   t.share ? *t.share : WorkShare{});
    for (auto& p : drawn)
        p.operator_ = static_cast<std::uint8_t>(
            e.operator_.value_or(sc.categories[static_cast<std::size_t>(p.category)].operator_));
    price_projects(drawn, e, t);
    phase_projects(drawn, date, e.months);
    for (auto& p : drawn) {
        p.list = static_cast<std::int32_t>(index);
        p.round = static_cast<std::int32_t>(lists.size() + 1);
        if (p.open_day <= sc.end.days()) t.projects.push_back(p);
    }
}

bool open_projects_due(std::int64_t day, PolicyTarget& t) {
    const Scenario& sc = t.world.scenario;
    std::vector<Facility> opening;
    std::vector<Project*> projects;
    for (auto& p : t.projects) {
        if (p.facility >= 0 || p.open_day > day) continue;
        const auto& cat = sc.categories[static_cast<std::size_t>(p.category)];
        Facility f = make_facility(sc, p.site, p.category, p.district);
        f.origin = static_cast<FacilityOrigin>(p.origin);
        f.operator_ = static_cast<Operator>(p.operator_);
        f.grant_yuan = static_cast<float>(p.support_yuan_month);
        apply_standing_rules(
            t.levers, t.levers.at(static_cast<std::size_t>(p.district), static_cast<std::size_t>(p.category)), f);
        if (p.list >= 0)  // a re-tender reopens a fitted site
            t.levers.capital_fen[static_cast<std::size_t>(p.district)] +=
                std::llround(100.0 * cat.fitout_yuan_m2 * static_cast<double>(f.floor_area_m2));
        opening.push_back(f);
        projects.push_back(&p);
    }
    if (opening.empty()) return false;
    const auto first = open_facilities(t.world, t.reach, opening, day);
    for (std::size_t k = 0; k < projects.size(); ++k) projects[k]->facility = static_cast<std::int32_t>(first + k);
    return true;
}

namespace {

/// The open shops (not mobile vendors) of category c in district d get hours [open, close).
void set_hours(PolicyTarget& t, std::size_t d, std::size_t c, double open, double close) {
    for (auto& f : t.world.facilities)
        if (f.category == c && f.district == d && f.state == FacilityState::open && !f.mobile) {
            f.open_hour = static_cast<float>(open);
            f.close_hour = static_cast<float>(close);
            f.slot_mask = open_slots(f, t.world.scenario.slots);
            t.reach.touch(f);
        }
}

/// The open facilities of category c in district d also serve the categories of `mask`.
void add_categories(PolicyTarget& t, std::size_t d, std::size_t c, std::uint64_t mask) {
    for (std::uint32_t id = 0; id < t.world.facilities.size(); ++id) {
        auto& f = t.world.facilities[id];
        if (f.category != c || f.district != d || f.state != FacilityState::open) continue;
        for (std::size_t a = 0; a < t.world.scenario.categories.size(); ++a)
            if (((mask >> a) & 1U) && !serves(f, a)) {
                f.extra_categories |= std::uint64_t{1} << a;
                t.reach.add(t.world, id, a);
            }
    }
}

/// The open facilities of category c in district d stop serving the categories of `mask`
/// (those their own category counts as stay).
void drop_categories(PolicyTarget& t, std::size_t d, std::size_t c, std::uint64_t mask) {
    const Scenario& sc = t.world.scenario;
    std::uint64_t own = 0;
    for (const auto& k : sc.categories[c].counts_as) own |= std::uint64_t{1} << sc.category_index(k);
    for (std::uint32_t id = 0; id < t.world.facilities.size(); ++id) {
        auto& f = t.world.facilities[id];
        if (f.category != c || f.district != d || f.state != FacilityState::open) continue;
        const std::uint64_t drop = f.extra_categories & mask & ~own;
        if (!drop) continue;
        t.reach.touch(f);
        t.reach.remove(f, id);  // out of every table, then back into those it still serves
        f.extra_categories &= ~drop;
        for (std::size_t a = 0; a < sc.categories.size(); ++a)
            if (serves(f, a)) t.reach.add(t.world, id, a);
    }
}

std::int32_t last_day(const PolicyEvent& e) { return e.until ? static_cast<std::int32_t>(e.until->days()) : -1; }

}  // namespace

void extend_hours(const PolicyEvent& e, PolicyTarget& t) {
    const Scenario& sc = t.world.scenario;
    const auto c = static_cast<std::size_t>(sc.category_index(*e.category));
    for (auto d : event_districts(sc, e)) {
        const std::size_t dc = t.levers.at(d, c);
        t.levers.hours_open[dc] = static_cast<float>(e.open_hour);
        t.levers.hours_close[dc] = static_cast<float>(e.close_hour);
        t.levers.night_grant_share[dc] = e.night_grant_share;
        t.levers.hours_until[dc] = last_day(e);
        set_hours(t, d, c, e.open_hour, e.close_hour);
    }
}

void multi_function(const PolicyEvent& e, PolicyTarget& t) {
    const Scenario& sc = t.world.scenario;
    const auto c = static_cast<std::size_t>(sc.category_index(*e.category));
    std::uint64_t mask = 0;
    for (const auto& add : e.adds) mask |= std::uint64_t{1} << sc.category_index(add);
    for (auto d : event_districts(sc, e)) {
        const std::size_t dc = t.levers.at(d, c);
        t.levers.adds[dc] |= mask;
        t.levers.adds_until[dc] = last_day(e);
        add_categories(t, d, c, mask);
    }
}

bool end_rules_due(std::int64_t day, PolicyTarget& t) {
    const Scenario& sc = t.world.scenario;
    auto& l = t.levers;
    bool ended = false;
    for (std::size_t dc = 0; dc < l.hours_open.size(); ++dc) {
        const std::size_t d = dc / l.categories, c = dc % l.categories;
        if (l.has_hours(dc) && l.hours_until[dc] >= 0 && l.hours_until[dc] < day) {
            l.hours_open[dc] = l.hours_close[dc] = std::numeric_limits<float>::quiet_NaN();
            l.night_grant_share[dc] = 0.0;
            l.hours_until[dc] = -1;
            set_hours(t, d, c, sc.categories[c].open_hour, sc.categories[c].close_hour);
            ended = true;
        }
        if (l.adds[dc] && l.adds_until[dc] >= 0 && l.adds_until[dc] < day) {
            drop_categories(t, d, c, l.adds[dc]);
            l.adds[dc] = 0;
            l.adds_until[dc] = -1;
            ended = true;
        }
    }
    return ended;
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
    const std::size_t before = w.residents.size();
    detail::add_households(e, d, CounterRng(sc.seed, streams::housing(index)), day, t);
    // the commercial floor (commercial_share of the homes' floor, 100 m2 a household [E]) is a
    // site the market lets on expected profit: at the district's candidate site nearest the new
    // homes' middle
    std::array<double, 2> middle{0.0, 0.0};
    for (std::size_t i = before; i < w.residents.size(); ++i) {
        middle[0] += w.network.x()[w.residents.home_node[i]];
        middle[1] += w.network.y()[w.residents.home_node[i]];
    }
    const auto added = static_cast<double>(std::max<std::size_t>(1, w.residents.size() - before));
    middle = {middle[0] / added, middle[1] / added};
    const double floor = static_cast<double>(e.residents) / sc.districts[d].household_size * 100.0 * e.commercial_share;
    t.entry_sites.add_floor(w, d, nearest_site(w, d, middle, false), static_cast<float>(floor));
}

}  // namespace lifecircle
