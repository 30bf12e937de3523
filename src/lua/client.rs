//! The client object as Lua sees it: a userdata holding a [`Client`] (and
//! the server `opencode.serve` started for it), whose methods are
//! methods.lua's, and `connect`, which makes one.

use mlua::{Lua, Table, UserData, UserDataFields, UserDataMethods, UserDataRef, Value};

use super::args::{ArgError, Args};
use super::options;
use super::returns::Raw;
use crate::client::Client;

/// The registry key of the client methods methods.lua makes.
pub(super) const CLIENT_METHODS: &str = "opencode.client.methods";

/// The Rust half of a client object; its metatable's `__index` is
/// methods.lua's method table.
pub(super) struct LuaClient {
    pub(super) client: Client,
    /// The server `opencode.serve` started for this client; stopped with it.
    pub(super) server: Option<std::sync::Arc<crate::server::Server>>,
}

impl std::ops::Deref for LuaClient {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

impl UserData for LuaClient {
    fn add_fields<F: UserDataFields<Self>>(fields: &mut F) {
        fields.add_meta_field_with("__index", |lua| lua.named_registry_value::<Table>(CLIENT_METHODS));
        fields.add_meta_field("__name", "opencode.client");
    }

    fn add_methods<M: UserDataMethods<Self>>(methods: &mut M) {
        methods.add_meta_method("__tostring", |_, this, ()| {
            Ok(format!("opencode.client: {}", this.client.url()))
        });
    }
}

pub(super) fn client_arg(args: &Args, position: usize) -> Result<UserDataRef<LuaClient>, ArgError> {
    match args.get(position) {
        Value::UserData(ud) => ud
            .borrow::<LuaClient>()
            .map_err(|_| args.expected(position, "opencode client")),
        _ => Err(args.expected(position, "opencode client")),
    }
}

/// `opencode.connect(url | options)`: a client, once the server answered its health check.
pub(super) fn connect(lua: &Lua, args: &Args) -> Raw {
    let (config, handlers) = options::connection(lua, args)?;
    let client = Client::new(config).map_err(|e| args.error(1, e.to_string()))?;
    client.health()?;
    let client = lua.create_userdata(LuaClient { client, server: None })?;
    if let Some(handlers) = handlers {
        client.set_user_value(handlers)?;
    }
    Ok(Value::UserData(client))
}
