"""Reference data: member countries, the work plan, its results, activities and targets."""
