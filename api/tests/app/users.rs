//! Accounts through the API: every test user is `<name>@example.com` with the password
//! `password123` unless the test says otherwise.

use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use super::{Client, Reply, TestApp};

pub const PASSWORD: &str = "password123";

/// The registration body of `name`.
pub fn new_user(name: &str) -> Value {
    json!({"user": {"username": name, "email": format!("{name}@example.com"), "password": PASSWORD}})
}

impl Client {
    /// Registers `name` and returns its token.
    pub async fn register(&self, name: &str) -> String {
        let reply = self.send(Method::POST, "/api/users", None, Some(new_user(name))).await;
        assert_eq!(reply.status, StatusCode::CREATED, "register {name}: {}", reply.text);
        reply.json["user"]["token"].as_str().expect("token").to_owned()
    }

    pub async fn login(&self, email: &str, password: &str) -> Reply {
        let body = json!({"user": {"email": email, "password": password}});
        self.send(Method::POST, "/api/users/login", None, Some(body)).await
    }

    /// Logs `name` in (a new session) and returns the token.
    pub async fn login_token(&self, name: &str, password: &str) -> String {
        let reply = self.login(&format!("{name}@example.com"), password).await;
        assert_eq!(reply.status, StatusCode::OK, "login {name}: {}", reply.text);
        reply.json["user"]["token"].as_str().expect("token").to_owned()
    }

    /// `PUT /api/user` with `user` as the fields to change.
    pub async fn update_user(&self, token: &str, user: Value) -> Reply {
        self.send(Method::PUT, "/api/user", Some(token), Some(json!({ "user": user }))).await
    }
}

impl TestApp {
    /// Grants `name` the admin flag, as an operator would in the database (no endpoint
    /// grants it).
    pub async fn make_admin(&self, name: &str) {
        let db = &self.db().db;
        let sql = format!("UPDATE users SET is_admin = TRUE WHERE username = '{name}'");
        let done = db.execute_raw(Statement::from_string(db.get_database_backend(), sql)).await.expect("granted");
        assert_eq!(done.rows_affected(), 1, "{name} exists");
    }

    /// The id of `name` in the database.
    pub async fn user_id(&self, name: &str) -> i64 {
        self.db().scalar(&format!("SELECT id FROM users WHERE username = '{name}'")).await
    }
}
