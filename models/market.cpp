#include "models/market.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include <tbb/parallel_for.h>

#include "core/reach_table.hpp"
#include "core/rng.hpp"
#include "core/streams.hpp"
#include "models/facility.hpp"

namespace lifecircle {

std::int64_t fixed_costs_fen(const Category& c) {
    return std::llround(100.0 *
                        (c.floor_area_m2 * c.rent_yuan_m2_month + c.staff_cost_yuan_month + c.other_cost_yuan_month));
}

double night_hours(double open_hour, double close_hour) {
    // the facility's hours [open, close) (close may pass midnight) against the nights [0, 6)
    // and [22, 30)
    auto overlap = [&](double a, double b) { return std::max(0.0, std::min(close_hour, b) - std::max(open_hour, a)); };
    return std::min(8.0, overlap(0.0, 6.0) + overlap(22.0, 30.0));
}

double extra_night_hours(const Category& c, double open_hour, double close_hour) {
    return std::max(0.0, night_hours(open_hour, close_hour) - night_hours(c.open_hour, c.close_hour));
}

MonthAccount month_account(const Category& c, const EconomicsModel& m, const Facility& f, std::int64_t revenue,
                           const Support& support, int days) {
    MonthAccount a;
    a.revenue = revenue;
    a.gross = std::llround(static_cast<double>(revenue) * c.gross_margin);
    const double rent = f.floor_area_m2 * c.rent_yuan_m2_month;
    const double night =
        f.mobile ? 0.0 : extra_night_hours(c, f.open_hour, f.close_hour) * days * m.night_staff_yuan_hour;
    const double paid = rent * support.rent_cut + support.grant_yuan + night * support.night_share;
    a.costs = std::llround(100.0 * (rent + c.staff_cost_yuan_month + c.other_cost_yuan_month + night)) -
              std::llround(100.0 * paid);
    a.profit = a.gross - a.costs;
    a.subsidy = std::llround(100.0 * paid);
    a.loss = static_cast<double>(a.gross) < m.breakeven_share * static_cast<double>(a.costs);
    return a;
}

double entrant_costs_fen(const Scenario& sc, const PlanLevers& levers, std::size_t d, std::size_t c) {
    const Category& cat = sc.categories[c];
    const std::size_t dc = levers.at(d, c);
    const bool rule = levers.has_hours(dc);
    const double night = extra_night_hours(cat, rule ? levers.hours_open[dc] : cat.open_hour,
                                           rule ? levers.hours_close[dc] : cat.close_hour) *
                         30.0 * sc.economics.night_staff_yuan_hour *
                         (1.0 - (rule ? levers.night_grant_share[dc] : 0.0));
    return static_cast<double>(fixed_costs_fen(cat)) -
           100.0 * (cat.floor_area_m2 * cat.rent_yuan_m2_month * levers.rent_cut[dc] + levers.grant_yuan[dc] - night);
}

double monthly_exit_probability(const Category& c, const EconomicsModel& m, double age_years) {
    double yearly = c.exit_per_year * (age_years < 3.0 ? m.young_hazard_factor : 1.0);
    yearly = std::min(yearly, 0.99);
    return 1.0 - std::pow(1.0 - yearly, 1.0 / 12.0);
}

void settle_accounts(World& w, FacilityReach& reach, const PlanLevers& levers, std::span<const std::int64_t> revenue,
                     std::int64_t day, int days, std::uint64_t month_index, MarketMonth& out) {
    const Scenario& sc = w.scenario;
    const std::size_t nd = sc.districts.size();
    out.profit.assign(w.facilities.size(), 0);
    out.closures.assign(nd, 0);
    out.subsidy.assign(nd, 0);
    out.operating.assign(nd, 0);
    out.public_baseline.assign(nd, 0);
    out.retender.clear();
    // shops open before the run count as 5 years old; those the run opened, from their opening
    const std::int64_t oldest = sc.start.days() - 3 * 365;
    std::vector<std::uint32_t> leaving;
    for (std::uint32_t id = 0; id < w.facilities.size(); ++id) {
        auto& f = w.facilities[id];
        if (f.state != FacilityState::open) continue;
        const auto& cat = sc.categories[f.category];
        if (!is_commercial(cat)) continue;
        const bool local = f.district < nd;
        const std::size_t dc = local ? levers.at(f.district, f.category) : 0;
        Support support;
        support.grant_yuan = f.grant_yuan;
        if (local) {
            support.rent_cut = levers.rent_cut[dc];
            support.grant_yuan += levers.grant_yuan[dc];
            if (levers.has_hours(dc)) support.night_share = levers.night_grant_share[dc];
        }
        const auto account = month_account(cat, sc.economics, f, revenue[id], support, days);
        // public money the operator leaves to the public purse: the plan's, or the city's before it
        auto& public_cost = f.origin == FacilityOrigin::planned ? out.operating : out.public_baseline;
        out.profit[id] = account.profit;
        if (f.operator_ == Operator::public_) {  // no accounts of its own: never closes for money
            // its running cost less its takings; a surplus stays with the service
            if (local)
                public_cost[f.district] += std::max<std::int64_t>(0, account.costs + account.subsidy - account.gross);
            continue;
        }
        if (local) out.subsidy[f.district] += account.subsidy;
        bool leaves = false;
        if (f.operator_ == Operator::public_private) {
            const std::int64_t deficit = std::max<std::int64_t>(0, -account.profit);
            const std::int64_t cover =
                std::min<std::int64_t>(deficit, std::llround(100.0 * cat.contract_cap_yuan_month));
            if (local) public_cost[f.district] += cover;
            out.profit[id] = account.profit + cover;
            f.loss_months = deficit > cover ? static_cast<std::uint8_t>(std::min(255, f.loss_months + 1)) : 0;
            leaves = f.loss_months >= cat.contract_months;
        } else {
            f.loss_months = account.loss ? static_cast<std::uint8_t>(std::min(255, f.loss_months + 1)) : 0;
            leaves = f.loss_months >= sc.economics.loss_months;
        }
        f.cash_fen += out.profit[id];
        const double age_years = static_cast<double>(day - std::max<std::int64_t>(f.opened_day, oldest)) / 365.25;
        const double p_exit = monthly_exit_probability(cat, sc.economics, f.opened_day == 0 ? 5.0 : age_years);
        const bool exits = CounterRng(sc.seed, streams::exit(id)).uniform(month_index) < p_exit;
        if (leaves || exits) {
            leaving.push_back(id);
            if (local) ++out.closures[f.district];
            if (f.operator_ == Operator::public_private) out.retender.push_back(id);
        }
    }
    // no account depends on the reach: the month's closings leave it together
    close_facilities(w, reach, leaving, day);
}

void EntrySites::prepare(const Scenario& sc) {
    m_sites.resize(sc.districts.size());
    m_floor.resize(sc.districts.size());
    m_done.resize(sc.districts.size(), 0);
    for (std::size_t c = 0; c < sc.categories.size(); ++c) {
        const auto& cat = sc.categories[c];
        const auto at = std::find(m_decays.begin(), m_decays.end(), cat.decay);
        m_class.push_back(static_cast<std::size_t>(at - m_decays.begin()));
        if (at == m_decays.end()) m_decays.push_back(cat.decay);
        if (is_commercial(cat)) m_commercial.push_back(c);
        m_area.push_back(std::max(1.0, cat.floor_area_m2));
    }
}

std::vector<EntrySites::Site>& EntrySites::of(const World& w, std::size_t d) {
    if (m_class.empty()) prepare(w.scenario);
    if (m_done[d]) return m_sites[d];
    const auto all = candidate_sites(w, d);
    const std::size_t n = std::min(static_cast<std::size_t>(std::max(1, w.scenario.economics.entry_sites)), all.size());
    auto& out = m_sites[d];
    out.resize(n);
    tbb::parallel_for(std::size_t{0}, n,
                      [&](std::size_t i) { out[i] = site_at(w, all[i * all.size() / n]); });  // an even sample
    m_done[d] = 1;
    return out;
}

EntrySites::Site EntrySites::site_at(const World& w, std::uint32_t node) {
    if (m_class.empty()) prepare(w.scenario);
    const double walk = w.scenario.max_walk_metres(static_cast<int>(AgeGroup::working));
    Site site;
    site.node = node;
    for (const auto& [u, dist] : bounded_dijkstra(w.network, node, walk)) {
        if (!(w.node_weight[u] > 0.0f)) continue;
        site.homes.push_back(u);
        site.distance.push_back(static_cast<float>(dist));
        for (const double b : m_decays) site.decayed.push_back(static_cast<float>(std::pow(std::max(dist, 25.0), -b)));
    }
    return site;
}

void EntrySites::add_floor(const World& w, std::size_t d, std::uint32_t node, float floor_m2) {
    if (m_class.empty()) prepare(w.scenario);
    Site site = site_at(w, node);
    site.floor_left = floor_m2;
    m_floor[d].push_back(std::move(site));
}

EntryDemand entry_demand(const World& w, std::span<const std::int64_t> needs) {
    const std::size_t nn = w.network.num_nodes(), nd = w.scenario.districts.size(), nc = w.scenario.categories.size();
    EntryDemand e;
    e.residents.assign(nn, 0.0);
    std::vector<double> app(nn, 0.0), per_district(nd, 0.0);
    const auto& r = w.residents;
    for (std::size_t i = 0; i < r.size(); ++i) {
        e.residents[r.home_node[i]] += 1.0;
        app[r.home_node[i]] += (r.flags[i] & Residents::kMapApp) ? 1.0 : 0.0;
        per_district[r.district[i]] += 1.0;
    }
    e.app_share.assign(nn, 0.0f);
    for (std::size_t v = 0; v < nn; ++v)
        if (e.residents[v] > 0) e.app_share[v] = static_cast<float>(app[v] / e.residents[v]);
    e.needs_rate.assign(nd * nc, 0.0);
    for (std::size_t d = 0; d < nd; ++d)
        for (std::size_t c = 0; c < nc; ++c)
            if (per_district[d] > 0)
                e.needs_rate[district_category(d, c, nc)] =
                    static_cast<double>(needs[district_category(d, c, nc)]) / per_district[d];
    return e;
}

std::vector<double> expected_revenues(const World& w, const ChoiceCache& cache, const EntryDemand& demand,
                                      const EntrySites& sites, const EntrySites::Site& site,
                                      std::span<const std::int64_t> spend_fen) {
    const Scenario& sc = w.scenario;
    const std::size_t nd = sc.districts.size(), nc = sc.categories.size();
    const std::size_t classes = site.homes.empty() ? 0 : site.decayed.size() / site.homes.size();
    const auto& commercial = sites.commercial();
    std::vector<double> needs_taken(nc, 0.0);
    for (std::size_t h = 0; h < site.homes.size(); ++h) {
        const std::uint32_t v = site.homes[h];
        const std::size_t d = w.node_district[v];
        if (d >= nd || demand.residents[v] == 0.0) continue;
        const double* rate = &demand.needs_rate[district_category(d, 0, nc)];
        const double residents = demand.residents[v], app = demand.app_share[v];
        const float dist = site.distance[h];
        const float* decayed = &site.decayed[h * classes];
        const ChoiceCache::Block* blocks = &cache.block(v, 0);  // the node's blocks are adjacent
        for (const std::size_t c : commercial) {
            const double needs = residents * rate[c];
            if (needs == 0.0) continue;
            const ChoiceCache::Block& b = blocks[c];
            // the block's first cache line only (ChoiceCache::Block): the places past its
            // candidates are never nearer and add no weight
            const int rank = ChoiceCache::nearer(b, dist);  // incumbents nearer than the new shop
            if (rank >= ChoiceCache::kMaxK) continue;       // beyond the candidates anyone weighs
            const double own = sites.area(c) * static_cast<double>(decayed[sites.decay_class(c)]);
            const double all = static_cast<double>(b.cum[ChoiceCache::kMaxK - 1]);
            const double nearest = static_cast<double>(ChoiceCache::weight(b.cum, 0));
            const double plain = rank < ChoiceCache::kNearest ? own / (own + nearest) : 0.0;
            needs_taken[c] += needs * (app * own / (own + all) + (1.0 - app) * plain);
        }
    }
    for (std::size_t c = 0; c < nc; ++c) needs_taken[c] *= static_cast<double>(spend_fen[c]);
    return needs_taken;
}

double expected_revenue_among(const World& w, const ChoiceCache& cache, const EntryDemand& demand,
                              const EntrySites& sites, const EntrySites::Site& site,
                              const std::vector<const EntrySites::Site*>& rivals, std::size_t c,
                              std::int64_t spend_fen) {
    const Scenario& sc = w.scenario;
    const std::size_t nd = sc.districts.size(), nc = sc.categories.size();
    const std::size_t k = sites.decay_class(c);
    const double area = std::max(1.0, sc.categories[c].floor_area_m2);
    // the rivals at each home node: their summed weight, and the nearest one's distance and weight
    struct Rival {
        double sum = 0;
        float nearest = std::numeric_limits<float>::infinity();
        double nearest_weight = 0;
    };
    std::unordered_map<std::uint32_t, Rival> at;
    for (const auto* r : rivals) {
        const std::size_t classes = r->homes.empty() ? 0 : r->decayed.size() / r->homes.size();
        for (std::size_t h = 0; h < r->homes.size(); ++h) {
            auto& x = at[r->homes[h]];
            const double wr = area * static_cast<double>(r->decayed[h * classes + k]);
            x.sum += wr;
            if (r->distance[h] < x.nearest) {
                x.nearest = r->distance[h];
                x.nearest_weight = wr;
            }
        }
    }
    const std::size_t classes = site.homes.empty() ? 0 : site.decayed.size() / site.homes.size();
    double taken = 0.0;
    for (std::size_t h = 0; h < site.homes.size(); ++h) {
        const std::uint32_t v = site.homes[h];
        const std::size_t d = w.node_district[v];
        if (d >= nd || demand.residents[v] == 0.0) continue;
        const double needs = demand.residents[v] * demand.needs_rate[district_category(d, c, nc)];
        if (needs == 0.0) continue;
        const float dist = site.distance[h];
        const ChoiceCache::Block& b = cache.block(v, c);
        int rank = ChoiceCache::nearer(b, dist);  // as in expected_revenues, from the first cache line
        const auto it = at.find(v);
        const Rival rival = it == at.end() ? Rival{} : it->second;
        if (rival.nearest < dist) ++rank;
        if (rank >= ChoiceCache::kMaxK) continue;
        const double own = area * static_cast<double>(site.decayed[h * classes + k]);
        const double all = static_cast<double>(b.cum[ChoiceCache::kMaxK - 1]) + rival.sum;
        double nearest = static_cast<double>(ChoiceCache::weight(b.cum, 0));
        if (rival.nearest < b.distance[0]) nearest = rival.nearest_weight;
        const double app = demand.app_share[v];
        const double plain = rank < ChoiceCache::kNearest ? own / (own + nearest) : 0.0;
        taken += needs * (app * own / (own + all) + (1.0 - app) * plain);
    }
    return taken * static_cast<double>(spend_fen);
}

void enter_market(World& w, FacilityReach& reach, EntrySites& sites, const ChoiceCache& cache, const PlanLevers& levers,
                  std::span<const std::int64_t> needs, std::span<const std::int64_t> spend_fen, std::int64_t day,
                  std::uint64_t month_index, MarketMonth& out, const WorkShare& share) {
    const Scenario& sc = w.scenario;
    const std::size_t nd = sc.districts.size(), nc = sc.categories.size();
    out.openings.assign(nd, 0);
    if (sc.economics.entry_rate <= 0.0) return;
    const EntryDemand demand = entry_demand(w, needs);
    // every district's sites priced on the same month's market, in parallel ...
    std::vector<std::pair<std::size_t, EntrySites::Site*>> all;
    for (std::size_t d = 0; d < nd; ++d) {
        for (auto& site : sites.of(w, d)) all.emplace_back(d, &site);
        for (auto& site : sites.floor(d))  // new housing's floor, while some is left
            if (site.floor_left > 0) all.emplace_back(d, &site);
    }
    std::vector<std::vector<double>> revenue(all.size());
    tbb::parallel_for(std::size_t{0}, all.size(), [&](std::size_t i) {
        if (share.mine(i)) revenue[i] = expected_revenues(w, cache, demand, sites, *all[i].second, spend_fen);
    });
    // ... then each (district, category) takes its best site and draws whether a shop opens
    std::vector<double> best(nd * nc, 0.0);
    std::vector<std::int64_t> best_site(nd * nc, -1);
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (!share.mine(i)) continue;
        const std::size_t d = all[i].first;
        for (std::size_t c = 0; c < nc; ++c) {
            const auto& cat = sc.categories[c];
            if (!is_commercial(cat) || cat.operator_ != Operator::private_) continue;  // public services are placed
            const std::size_t dc = district_category(d, c, nc);
            const double floor_left = all[i].second->floor_left;
            if (floor_left >= 0 && floor_left < cat.floor_area_m2) continue;  // the floor is let
            const double profit = revenue[i][c] * cat.gross_margin - entrant_costs_fen(sc, levers, d, c);
            if (profit > best[dc]) {  // ties to the earlier site
                best[dc] = profit;
                best_site[dc] = static_cast<std::int64_t>(i);
            }
        }
    }
    // each process's best of its sites, then the best of those: a site's profit is above 0, so
    // a process with none (0, -1) loses to any site, and of equal profits the earlier site wins
    // as in one process's loop
    if (share.divided()) share.best(best, best_site);
    std::vector<Facility> entrants;
    for (std::size_t dc = 0; dc < nd * nc; ++dc) {
        if (best_site[dc] < 0) continue;
        const std::size_t d = dc / nc, c = dc % nc;
        const double fixed = static_cast<double>(fixed_costs_fen(sc.categories[c]));
        const double p = 1.0 - std::exp(-sc.economics.entry_rate * best[dc] / fixed);
        if (!(CounterRng(sc.seed, streams::entry(d, c)).uniform(month_index) < p)) continue;
        EntrySites::Site& site = *all[static_cast<std::size_t>(best_site[dc])].second;
        if (site.floor_left >= 0) {  // a housing floor: let if enough is left (categories in order)
            if (site.floor_left < sc.categories[c].floor_area_m2) continue;
            site.floor_left -= static_cast<float>(sc.categories[c].floor_area_m2);
        }
        Facility f = make_facility(sc, site.node, static_cast<int>(c), static_cast<int>(d));
        f.origin = FacilityOrigin::market_entry;
        apply_standing_rules(levers, levers.at(d, c), f);
        entrants.push_back(f);
        ++out.openings[d];
    }
    // no entrant's draw depends on the reach: the month's entrants join it together
    open_facilities(w, reach, entrants, day + 1);
}

void update_crowding(const World& w, std::span<const std::int64_t> visits, std::vector<float>& crowding) {
    const auto& m = w.scenario.economics;
    crowding.resize(w.facilities.size(), 1.0f);
    for (std::size_t id = 0; id < w.facilities.size(); ++id) {
        const double capacity =
            std::max(1.0, static_cast<double>(w.facilities[id].floor_area_m2) * m.capacity_visits_per_m2);
        const double load = id < visits.size() ? static_cast<double>(visits[id]) / capacity : 0.0;
        crowding[id] = static_cast<float>(1.0 / (1.0 + std::max(0.0, load - 1.0)));
    }
}

}  // namespace lifecircle
