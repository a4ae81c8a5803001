#include "models/shop_economics.hpp"

#include <cmath>

namespace lifecircle {

std::int64_t fixed_costs_fen(const Category& c) {
    return std::llround(100.0 * (c.floor_area_m2 * c.rent_yuan_m2_month + c.staff_cost_yuan_month +
                                 c.other_cost_yuan_month));
}

MonthAccount month_account(const Category& c, const EconomicsModel& m, const Facility& f,
                           std::int64_t revenue, double rent_cut, double grant_yuan) {
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

}  // namespace lifecircle
