//! The wired features of a process, by type.
//!
//! Each feature builds its use cases once in the composition root and registers them
//! here ([`FeaturesBuilder::insert`]); a binary takes the ones it serves
//! ([`Features::get`]). Adding or removing a feature therefore changes one line in the
//! composition root's feature list, not a struct that names every feature.

use std::any::{Any, TypeId, type_name};
use std::collections::HashMap;
use std::sync::Arc;

type Entry = Arc<dyn Any + Send + Sync>;

/// Every wired feature's use cases, cheap to clone (one `Arc`).
#[derive(Clone, Default)]
pub struct Features {
    by_type: Arc<HashMap<TypeId, Entry>>,
}

impl Features {
    /// The use cases of type `T`, when that feature is wired.
    pub fn get<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.by_type.get(&TypeId::of::<T>()).and_then(|entry| entry.downcast_ref())
    }

    /// The use cases of type `T`.
    ///
    /// # Panics
    /// When the feature was never registered: a wiring mistake that the first request
    /// to any of its routes shows (every route is covered by the black-box tests).
    pub fn expect<T: Any + Send + Sync + Clone>(&self) -> T {
        match self.get::<T>() {
            Some(services) => services.clone(),
            None => panic!("feature {} is not wired: add it to the composition root's feature list", type_name::<T>()),
        }
    }
}

/// Collects the features while the composition root wires them; a later feature can
/// read an earlier one (reports read the accounts' users).
#[derive(Default)]
pub struct FeaturesBuilder {
    by_type: HashMap<TypeId, Entry>,
}

impl FeaturesBuilder {
    /// Registers a feature's use cases (a second registration of the same type replaces
    /// the first).
    pub fn insert<T: Any + Send + Sync>(&mut self, services: T) -> &mut Self {
        self.by_type.insert(TypeId::of::<T>(), Arc::new(services));
        self
    }

    /// A feature registered earlier.
    pub fn get<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.by_type.get(&TypeId::of::<T>()).and_then(|entry| entry.downcast_ref())
    }

    pub fn build(self) -> Features {
        Features { by_type: Arc::new(self.by_type) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq)]
    struct Greeter(&'static str);

    #[test]
    fn registered_features_are_found_by_type_and_others_are_not() {
        let mut builder = FeaturesBuilder::default();
        builder.insert(Greeter("hello"));
        assert_eq!(builder.get::<Greeter>(), Some(&Greeter("hello")));
        let features = builder.build();
        assert_eq!(features.expect::<Greeter>(), Greeter("hello"));
        assert!(features.get::<String>().is_none());
        assert!(std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| features.expect::<String>())).is_err());
    }
}
