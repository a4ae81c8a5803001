#include "models/population.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "core/streams.hpp"

namespace lifecircle {

namespace detail {

/// Integer counts summing exactly to `total`, proportional to `shares` (largest remainder).
std::vector<std::int64_t> apportion(std::int64_t total, const std::vector<double>& shares) {
    const double sum = std::accumulate(shares.begin(), shares.end(), 0.0);
    std::vector<std::int64_t> out(shares.size());
    std::vector<std::pair<double, std::size_t>> rest;
    std::int64_t given = 0;
    for (std::size_t i = 0; i < shares.size(); ++i) {
        const double exact = sum > 0 ? static_cast<double>(total) * shares[i] / sum : 0.0;
        out[i] = static_cast<std::int64_t>(std::floor(exact));
        given += out[i];
        rest.emplace_back(exact - std::floor(exact), i);
    }
    std::stable_sort(rest.begin(), rest.end(), [](auto a, auto b) { return a.first > b.first; });
    for (std::size_t k = 0; given < total; ++k, ++given) ++out[rest[k % rest.size()].second];
    return out;
}

}  // namespace detail

Eigen::MatrixXd ipf(Eigen::MatrixXd table, const Eigen::VectorXd& rows, const Eigen::VectorXd& cols, double tolerance,
                    int max_iterations) {
    if (table.rows() != rows.size() || table.cols() != cols.size())
        throw ArgumentError("ipf: margins do not match the table's shape");
    if (std::abs(rows.sum() - cols.sum()) > 1e-6 * std::max(1.0, rows.sum()))
        throw ArgumentError("ipf: row and column margins have different totals");
    for (int it = 0; it < max_iterations; ++it) {
        for (Eigen::Index r = 0; r < table.rows(); ++r) {
            const double s = table.row(r).sum();
            if (s > 0)
                table.row(r) *= rows(r) / s;
            else if (rows(r) > 0)
                throw ArgumentError("ipf: a row with a positive margin has no support");
        }
        for (Eigen::Index c = 0; c < table.cols(); ++c) {
            const double s = table.col(c).sum();
            if (s > 0)
                table.col(c) *= cols(c) / s;
            else if (cols(c) > 0)
                throw ArgumentError("ipf: a column with a positive margin has no support");
        }
        if ((table.rowwise().sum() - rows).cwiseAbs().maxCoeff() <= tolerance * std::max(1.0, rows.sum())) return table;
    }
    throw ArgumentError("ipf: margins not met after the iteration limit (inconsistent margins?)");
}

Eigen::MatrixXd household_age_table(const District& d) {
    // household sizes 1..7: 1 + Poisson(mean - 1), truncated and renormalised
    const double lambda = std::max(0.05, d.household_size - 1.0);
    Eigen::VectorXd hh(kMaxHouseholdSize);
    double p = std::exp(-lambda);
    for (int k = 0; k < kMaxHouseholdSize; ++k) {
        hh(k) = p;
        p *= lambda / (k + 1);
    }
    hh /= hh.sum();
    // persons living in households of each size
    Eigen::VectorXd persons(kMaxHouseholdSize);
    for (int k = 0; k < kMaxHouseholdSize; ++k) persons(k) = hh(k) * (k + 1);
    persons *= static_cast<double>(d.population) / persons.sum();
    Eigen::VectorXd ages(kAgeGroups);
    for (int a = 0; a < kAgeGroups; ++a) ages(a) = d.age_shares[a] * static_cast<double>(d.population);
    ages *= static_cast<double>(d.population) / ages.sum();
    Eigen::MatrixXd seed(kMaxHouseholdSize, kAgeGroups);
    for (int k = 0; k < kMaxHouseholdSize; ++k) {
        const int size = k + 1;
        seed(k, 0) = size == 1 ? 0.0 : (size == 2 ? 0.3 : 1.0);  // children [E]
        seed(k, 1) = 1.0;                                        // working age
        seed(k, 2) = size <= 2 ? 2.0 : (size >= 5 ? 1.2 : 0.6);  // elderly [E]
    }
    try {
        return ipf(seed, persons, ages);
    } catch (const ArgumentError& e) {
        throw ConfigError("district " + d.name + ": its age shares and household size (" +
                          std::to_string(d.household_size) +
                          ") cannot be combined: children need a household of two or more (" + e.what() + ")");
    }
}

/// Households' sizes in a district: persons per size in the joint table / size, rounded,
/// largest first; rounding's remainder as one- and two-person households.
std::vector<int> household_sizes(const District& dist, const Eigen::MatrixXd& table) {
    std::vector<int> sizes;
    std::int64_t persons = 0;
    for (int k = kMaxHouseholdSize - 1; k >= 0; --k) {
        const auto count = static_cast<std::int64_t>(std::llround(table.row(k).sum() / (k + 1)));
        for (std::int64_t h = 0; h < count && persons + k + 1 <= dist.population; ++h) {
            sizes.push_back(k + 1);
            persons += k + 1;
        }
    }
    while (persons < dist.population) {  // rounding left a few: one- and small households
        const int s = static_cast<int>(std::min<std::int64_t>(dist.population - persons, 2));
        sizes.push_back(s);
        persons += s;
    }
    return sizes;
}

void synthesise_population(World& world, const std::vector<std::vector<std::uint32_t>>& district_nodes) {
    const Scenario& sc = world.scenario;
    auto& res = world.residents;
    if (world.household_start.empty()) world.household_start.push_back(0);
    std::uint32_t household = static_cast<std::uint32_t>(world.num_households());
    std::uint64_t resident_id = res.size();
    const CounterRng app(sc.seed, streams::kMapAppStart);
    for (std::size_t d = 0; d < sc.districts.size(); ++d) {
        const District& dist = sc.districts[d];
        const auto table = household_age_table(dist);
        // exact age counts of the district
        std::vector<double> shares(dist.age_shares.begin(), dist.age_shares.end());
        auto remaining = detail::apportion(dist.population, shares);
        const std::vector<int> sizes = household_sizes(dist, table);
        // members' ages: from the size's row of the joint table times what is left of the
        // district's exact age counts; the first member is an adult where one is left
        const CounterRng rng(sc.seed, streams::ages(d));
        const CounterRng place(sc.seed, streams::places(d));
        const auto& nodes = district_nodes[d];
        if (nodes.empty()) throw InputError(sc.path + ": district " + dist.name + " has no nodes to live on");
        std::vector<double> cum(nodes.size());
        double acc = 0;
        for (std::size_t i = 0; i < nodes.size(); ++i) cum[i] = acc += world.node_weight[nodes[i]];
        std::uint64_t draw = 0;
        // heads still to seat after this household, and non-head places still to fill
        std::int64_t heads_after = static_cast<std::int64_t>(sizes.size());
        std::int64_t places_left = dist.population - heads_after;
        // homes first; households are then stored in node order, so that residents of one
        // node are neighbours in memory (the engine's choice cache is per node)
        std::vector<std::uint32_t> homes(sizes.size());
        for (std::size_t h = 0; h < sizes.size(); ++h) {
            const double u = place.uniform(h) * acc;
            const auto k = std::min<std::size_t>(
                static_cast<std::size_t>(std::upper_bound(cum.begin(), cum.end(), u) - cum.begin()), nodes.size() - 1);
            homes[h] = nodes[k];
        }
        std::vector<std::size_t> order(sizes.size());
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return homes[a] < homes[b]; });
        for (const std::size_t h : order) {
            const std::uint32_t home = homes[h];
            const int size = sizes[h];
            --heads_after;
            for (int m = 0; m < size; ++m) {
                // Keep one adult for every household still to come, and let children fill
                // the remaining non-head places when they would otherwise be left over.
                const std::int64_t adults = remaining[1] + remaining[2];
                const bool must_adult = m == 0 && adults > 0;
                const bool must_child = m > 0 && (adults <= heads_after || remaining[0] >= places_left);
                std::array<double, kAgeGroups> w{};
                double total = 0;
                for (int a = 0; a < kAgeGroups; ++a) {
                    const bool allowed =
                        remaining[a] > 0 && !(must_adult && a == 0) && !(must_child && a != 0 && remaining[0] > 0);
                    if (allowed) w[a] = std::max(table(size - 1, a), 1e-9) * static_cast<double>(remaining[a]);
                    total += w[a];
                }
                int age = 0;
                double u2 = rng.uniform(draw++) * total;
                while (age < kAgeGroups - 1 && (w[age] == 0 || u2 >= w[age])) u2 -= w[age++];
                while (w[age] == 0 && age > 0) --age;  // rounding at the top end
                if (m > 0) --places_left;
                --remaining[age];
                res.home_node.push_back(home);
                res.household.push_back(household);
                res.district.push_back(static_cast<std::uint16_t>(d));
                res.age.push_back(static_cast<std::uint8_t>(age));
                res.flags.push_back(static_cast<std::uint8_t>(
                    (app.uniform(resident_id) < sc.map_app_use[age] ? Residents::kMapApp : 0) |
                    (m == 0 ? Residents::kHead : 0) |
                    (orders_delivery(sc, d, age, resident_id) ? Residents::kDelivery : 0)));
                ++resident_id;
            }
            ++household;
            world.household_start.push_back(static_cast<std::uint32_t>(res.size()));
        }
    }
}

}  // namespace lifecircle
