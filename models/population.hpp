#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <Eigen/Dense>

#include "core/world.hpp"

namespace lifecircle {

/// Largest household size synthesised.
inline constexpr int kMaxHouseholdSize = 7;

/// Iterative proportional fitting: scales `seed` (rows x columns) until its row sums equal
/// `rows` and its column sums equal `cols` (which must have the same total), to `tolerance`.
/// Returns the fitted table; throws ArgumentError if the margins cannot be met.
Eigen::MatrixXd ipf(Eigen::MatrixXd seed, const Eigen::VectorXd& rows, const Eigen::VectorXd& cols,
                    double tolerance = 1e-9, int max_iterations = 1000);

/// Persons by household size (rows 1..kMaxHouseholdSize) and age group for a district:
/// household sizes from a shifted Poisson with the district's mean, ages from its shares,
/// joined by IPF on a seed that keeps children out of one-person households and puts the
/// elderly more often in small and three-generation households [E].
Eigen::MatrixXd household_age_table(const District& district);

/// Synthesises the residents of every district: households and residents matching each
/// district's population exactly and its age counts exactly (shares rounded by largest
/// remainder), each household headed by an adult where there is one, placed on the district's
/// nodes with probability proportional to `node_weight`; map-app use drawn by age.
/// Appends to world.residents and world.household_start. Deterministic in the seed.
void synthesise_population(World& world, const std::vector<std::vector<std::uint32_t>>& district_nodes);

}  // namespace lifecircle
