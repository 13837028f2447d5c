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
    /// Letters, digits, `_`, `-` and `.`; 1 to 64 characters.
    #[schema(required = true, nullable = false, min_length = 1, max_length = 64, pattern = "^[\\w.-]+$")]
    pub username: Option<String>,
    #[schema(
        required = true,
        nullable = false,
        max_length = 254,
        pattern = "^[^\\s@\\u0000-\\u001F\\u007F]+@[^\\s@\\u0000-\\u001F\\u007F]+$"
    )]
    pub email: Option<String>,
    /// 8 to 256 characters, not only spaces.
    #[schema(required = true, nullable = false, min_length = 8, max_length = 256, pattern = "\\S")]
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
    #[schema(
        required = true,
        nullable = false,
        max_length = 254,
        pattern = "^[^\\s@\\u0000-\\u001F\\u007F]+@[^\\s@\\u0000-\\u001F\\u007F]+$"
    )]
    pub email: Option<String>,
    #[schema(required = true, nullable = false, min_length = 1, max_length = 256)]
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
    #[schema(value_type = String, max_length = 254, pattern = "^[^\\s@\\u0000-\\u001F\\u007F]+@[^\\s@\\u0000-\\u001F\\u007F]+$")]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = String, min_length = 1, max_length = 64, pattern = "^[\\w.-]+$")]
    pub username: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = String, min_length = 8, max_length = 256, pattern = "\\S")]
    pub password: Option<Option<String>>,
    /// Up to 2000 characters; line breaks and tabs allowed.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 2000, pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$")]
    pub bio: Option<Option<String>>,
    /// An `http://` or `https://` URL of up to 2048 characters, or `""` to clear it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 2048, pattern = "^$|^[Hh][Tt][Tt][Pp][Ss]?://[^\\s\\u0000-\\u001F\\u007F-\\u009F]*$")]
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
