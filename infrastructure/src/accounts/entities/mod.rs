//! sea-orm entities of accounts, one per table, used by the repositories in this folder
//! (and by features whose tables refer to users, such as the RealWorld example's authors).

pub mod users;
