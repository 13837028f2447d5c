//! Bodies of the account endpoints.

use application::accounts::{LoginInput, RegisterInput, UpdateUserInput};
use domain::User;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::dto::present;

/// `POST /api/users`
#[derive(Debug, Deserialize, ToSchema)]
pub struct RegisterRequest {
    pub user: RegisterUser,
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"username": "jake", "email": "jake@jake.jake", "password": "jakejake"}))]
pub struct RegisterUser {
    #[schema(required = true, nullable = false)]
    pub username: Option<String>,
    #[schema(required = true, nullable = false)]
    pub email: Option<String>,
    #[schema(required = true, nullable = false)]
    pub password: Option<String>,
}

impl From<RegisterUser> for RegisterInput {
    fn from(user: RegisterUser) -> Self {
        Self { username: user.username, email: user.email, password: user.password }
    }
}

/// `POST /api/users/login`
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub user: LoginUser,
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"email": "jake@jake.jake", "password": "jakejake"}))]
pub struct LoginUser {
    #[schema(required = true, nullable = false)]
    pub email: Option<String>,
    #[schema(required = true, nullable = false)]
    pub password: Option<String>,
}

impl From<LoginUser> for LoginInput {
    fn from(user: LoginUser) -> Self {
        Self { email: user.email, password: user.password }
    }
}

/// `PUT /api/user`
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateUserRequest {
    pub user: UpdateUserDto,
}

/// Fields to change; absent fields are left as they are. `null` (or `""`) clears `bio`
/// and `image`, and is refused for `email`, `username` and `password`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = UpdateUser, example = json!({"bio": "I like to skateboard", "image": null}))]
pub struct UpdateUserDto {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = String)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = String)]
    pub username: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = String)]
    pub password: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub bio: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub image: Option<Option<String>>,
}

impl From<UpdateUserDto> for UpdateUserInput {
    fn from(user: UpdateUserDto) -> Self {
        Self { username: user.username, email: user.email, password: user.password, bio: user.bio, image: user.image }
    }
}

/// The signed-in user with their token.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserResponse {
    pub user: UserDto,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = User)]
pub struct UserDto {
    pub email: String,
    pub token: String,
    pub username: String,
    #[schema(required = true)]
    pub bio: Option<String>,
    #[schema(required = true)]
    pub image: Option<String>,
}

impl UserDto {
    pub fn new(user: User, token: String) -> Self {
        Self {
            email: user.email.into_inner(),
            token,
            username: user.username.into_inner(),
            bio: user.bio.map(|bio| bio.as_str().to_owned()),
            image: user.image.map(|image| image.as_str().to_owned()),
        }
    }
}

impl UserResponse {
    pub fn new(user: User, token: String) -> Self {
        Self { user: UserDto::new(user, token) }
    }
}
