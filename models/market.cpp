#include "models/market.hpp"

#include <algorithm>
#include <cmath>

#include "core/rng.hpp"
#include "core/streams.hpp"
#include "models/facility.hpp"

namespace lifecircle {

std::int64_t fixed_costs_fen(const Category& c) {
    return std::llround(100.0 *
                        (c.floor_area_m2 * c.rent_yuan_m2_month + c.staff_cost_yuan_month + c.other_cost_yuan_month));
}

MonthAccount month_account(const Category& c, const EconomicsModel& m, const Facility& f, std::int64_t revenue,
                           double rent_cut, double grant_yuan) {
    MonthAccount a;
    a.revenue = revenue;
    a.gross = std::llround(static_cast<double>(revenue) * c.gross_margin);
    const std::int64_t rent = std::llround(100.0 * f.floor_area_m2 * c.rent_yuan_m2_month * (1.0 - rent_cut));
    a.costs = rent + std::llround(100.0 * (c.staff_cost_yuan_month + c.other_cost_yuan_month - grant_yuan));
    a.profit = a.gross - a.costs;
    a.loss = static_cast<double>(a.gross) < m.breakeven_share * static_cast<double>(a.costs);
    return a;
}

double monthly_exit_probability(const Category& c, const EconomicsModel& m, double age_years) {
    double yearly = c.exit_per_year * (age_years < 3.0 ? m.young_hazard_factor : 1.0);
    yearly = std::min(yearly, 0.99);
    return 1.0 - std::pow(1.0 - yearly, 1.0 / 12.0);
}

void settle_accounts(World& w, FacilityReach& reach, const PlanLevers& levers, std::span<const std::int64_t> revenue,
                     std::int64_t day, std::uint64_t month_index, MarketMonth& out) {
    const Scenario& sc = w.scenario;
    const std::size_t nd = sc.districts.size();
    out.profit.assign(w.facilities.size(), 0);
    out.closures.assign(nd, 0);
    // shops open before the run count as 5 years old; those the run opened, from their opening
    const std::int64_t oldest = sc.start.days() - 3 * 365;
    for (std::uint32_t id = 0; id < w.facilities.size(); ++id) {
        auto& f = w.facilities[id];
        if (f.state != FacilityState::open) continue;
        const auto& cat = sc.categories[f.category];
        if (!is_commercial(cat)) continue;
        const bool local = f.district < nd;
        const std::size_t dc = local ? levers.at(f.district, f.category) : 0;
        const auto account = month_account(cat, sc.economics, f, revenue[id], local ? levers.rent_cut[dc] : 0.0,
                                           local ? levers.grant_yuan[dc] : 0.0);
        out.profit[id] = account.profit;
        f.cash_fen += account.profit;
        f.loss_months = account.loss ? static_cast<std::uint8_t>(std::min(255, f.loss_months + 1)) : 0;
        const double age_years = static_cast<double>(day - std::max<std::int64_t>(f.opened_day, oldest)) / 365.25;
        const double p_exit = monthly_exit_probability(cat, sc.economics, f.opened_day == 0 ? 5.0 : age_years);
        const bool exits = CounterRng(sc.seed, streams::exit(id)).uniform(month_index) < p_exit;
        if (f.loss_months >= sc.economics.loss_months || exits) {
            close_facility(w, reach, id, day);
            if (local) ++out.closures[f.district];
        }
    }
}

void enter_market(World& w, FacilityReach& reach, SiteChooser& sites, const PlanLevers& levers,
                  std::span<const std::int64_t> lost_open, std::span<const std::int64_t> spend_fen, std::int64_t day,
                  MarketMonth& out) {
    const Scenario& sc = w.scenario;
    const std::size_t nd = sc.districts.size(), nc = sc.categories.size();
    out.openings.assign(nd, 0);
    const auto per_node = residents_per_node(w);
    for (std::size_t d = 0; d < nd; ++d)
        for (std::size_t c = 0; c < nc; ++c) {
            const auto& cat = sc.categories[c];
            if (!is_commercial(cat)) continue;
            const std::size_t dc = levers.at(d, c);
            const std::int64_t lost = lost_open[dc];
            const double gross = static_cast<double>(lost) * static_cast<double>(spend_fen[c]) * cat.gross_margin;
            const double costs =
                static_cast<double>(fixed_costs_fen(cat)) * (1.0 - levers.rent_cut[dc]) - 100.0 * levers.grant_yuan[dc];
            if (lost > 0 && gross >= sc.economics.entry_margin * costs) {
                Facility f = make_facility(sc, sites.best_site(w, reach, d, c, per_node), static_cast<int>(c),
                                           static_cast<int>(d));
                f.origin = FacilityOrigin::market_entry;
                open_facility(w, reach, f, day + 1);
                ++out.openings[d];
            }
        }
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
