---@meta opencode

-- Type definitions of the `opencode` Lua module for lua-language-server (LuaLS).
-- Nothing here runs: point LuaLS at this folder (`workspace.library`) and
-- `require("opencode")` gets completion, hover docs and type checks.
--
-- tests/lua/types_test.lua checks that every function and field declared here
-- exists in the real module and the other way round.

------------------------------------------------------------------------------
-- Errors
------------------------------------------------------------------------------

---What went wrong: the third value of a failure, and `err.kind`:
---@alias opencode.ErrorKind
---| "connect"   # the server cannot be reached (refused, unknown host, connection broken)
---| "timeout"   # connecting or a call took longer than `timeout` / `send_timeout`
---| "auth"      # the server rejected the credentials (401, 403)
---| "not_found" # no such session (404)
---| "http"      # any other HTTP error status, e.g. 502 or 504 from a proxy
---| "decode"    # the server's answer was not the JSON expected
---| "provider"  # the AI provider failed; opencode reported it in the reply's `info.error`
---| "aborted"   # the generation was aborted (`client:abort`)
---| "permission" # the AI asked for a permission and it was refused (no on_permission, or it said "reject")
---| "question"  # the AI asked the user a question and it was refused (no on_question, or it returned nil)
---| "closed"    # the background send was cancelled (`handle:cancel`)
---| "config"    # `opencode.serve` could not run the opencode program (or find a free port)

---A failure of the network, the server or the AI, returned as
---`nil, message, kind, err`: `message` is a string (so `assert` and `error`
---show it in every Lua), `kind` what to branch on, and `err` this table.
---`tostring(err)` gives `err.message`. (A caller's mistake is raised as a Lua
---error instead, naming the bad argument.)
---@class opencode.Error
---@field kind opencode.ErrorKind
---@field status integer? the HTTP status, or nil when the server did not answer
---@field message string one line a person can act on
---@field reply opencode.Reply? for `provider` and `aborted`: the reply the server sent, with `info.error`

------------------------------------------------------------------------------
-- Server objects
------------------------------------------------------------------------------

---`client:health()`
---@class opencode.Health
---@field healthy boolean
---@field version string? the server's opencode version, e.g. "1.18.33"
---@field [string] any

---A session, as the server sends it (fields whose value is JSON null are absent).
---@class opencode.Session
---@field id string
---@field title string?
---@field parentID string? set for a child session
---@field directory string? the project directory the session works in
---@field projectID string?
---@field version string?
---@field time opencode.SessionTime?
---@field permission opencode.PermissionRule[]?
---@field share { url: string }?
---@field [string] any the rest of opencode's fields

---@class opencode.SessionTime
---@field created number milliseconds since the epoch
---@field updated number milliseconds since the epoch
---@field [string] any

---Wherever a session is expected: its id, or a session table (anything with a string `id`).
---@alias opencode.SessionRef string|opencode.Session|{ id: string }

---@alias opencode.PermissionAction "allow"|"ask"|"deny"

---One permission rule, as opencode lists them.
---@class opencode.PermissionRule
---@field permission string e.g. "bash", "edit", "webfetch"
---@field pattern string e.g. "*", "git *", "*.md"
---@field action opencode.PermissionAction

---Permission rules: opencode's list, or the shorthand of opencode.json,
---`{ bash = "ask", edit = { ["*.md"] = "allow" } }`.
---@alias opencode.Permission opencode.PermissionRule[]|table<string, opencode.PermissionAction|table<string, opencode.PermissionAction>>

---One part of a message. Prompts are usually text or file parts; replies also
---carry reasoning, tool calls, steps and more.
---@class opencode.Part
---@field type "text"|"file"|"agent"|"reasoning"|"tool"|"step-start"|"step-finish"|"patch"|string
---@field text string? for "text" (and "reasoning") parts
---@field mime string? for "file" parts, e.g. "image/png"
---@field url string? for "file" parts: a file:// or data: URL
---@field filename string? for "file" parts
---@field [string] any

---A prompt: its text, one part, or a list of parts.
---@alias opencode.Prompt string|opencode.Part|opencode.Part[]

---The assistant message of a reply.
---@class opencode.MessageInfo
---@field id string
---@field sessionID string
---@field role "assistant"|"user"|string
---@field modelID string?
---@field providerID string?
---@field agent string?
---@field cost number?
---@field tokens { input: number, output: number, reasoning: number, cache: { read: number, write: number } }?
---@field error { name: string, data: { message: string?, [string]: any } }? set when the provider failed or the reply was aborted
---@field [string] any

---What `client:send` returns.
---@class opencode.Reply
---@field text string every text part of the reply, joined
---@field info opencode.MessageInfo the assistant message
---@field parts opencode.Part[] all of its parts (text, tool calls, steps, ...)

---An event of the server's event stream.
---@class opencode.Event
---@field type string e.g. "session.idle", "message.part.delta", "permission.asked", "stream.reconnected", "stream.disconnected" (properties: error = message, kind = kind)
---@field properties table the event's data, as the server sent it
---@field directory string? the project directory the event belongs to, when the server said

---An answer to a permission request.
---@alias opencode.PermissionReply "once"|"always"|"reject"

---Answers the AI's permission requests: returns "once", "always", or "reject"/nil
---to refuse (the send then fails with kind "permission"). "leave": leave them to
---someone else (a person at an attached TUI).
---@alias opencode.PermissionHandler (fun(request: table): opencode.PermissionReply?)|"leave"

---Answers the AI's questions (opencode's `question` tool): returns one list of
---chosen labels per question, e.g. `{ { "blue" } }`, or nil to refuse (the send
---then fails with kind "question"). "leave": leave them to someone else.
---@alias opencode.QuestionHandler (fun(request: table): string[][]?)|"leave"

------------------------------------------------------------------------------
-- Option tables
------------------------------------------------------------------------------

---`opencode.connect(options)`
---@class opencode.ConnectOptions
---@field url string? default: `OPENCODE_SERVER_URL`, else "http://127.0.0.1:4096"
---@field username string? Basic auth user; default: `OPENCODE_SERVER_USERNAME`, else "opencode"
---@field password string? Basic auth password; default: `OPENCODE_SERVER_PASSWORD`; without one no auth header is sent
---@field directory string? project directory the server should work in (`x-opencode-directory`)
---@field timeout number? seconds (default 30); bounds connecting and every call except the wait for a reply to `send`
---@field send_timeout number? seconds; bounds the wait for a reply to `send` (default: none); the generation is then aborted too
---@field insecure boolean? accept any TLS certificate (self-signed); https is verified unless this is true
---@field on_permission opencode.PermissionHandler? the default of every send; without one, requests are refused
---@field on_question opencode.QuestionHandler? the default of every send; without one, questions are refused

---`opencode.serve(options)`: how to start `opencode serve`.
---@class opencode.ServeOptions
---@field bin string? the opencode program; default: `OPENCODE_BIN`, else "opencode" on the PATH
---@field hostname string? address to listen on; default "127.0.0.1"
---@field port integer? port to listen on; default 0: a free port
---@field password string|false? the server's password; default: a random one; false: none
---@field config table|string? opencode configuration (as opencode.json, or its JSON text), merged over opencode's own files
---@field timeout number? seconds to wait for the server to listen (default 30)
---@field cwd string? the directory the server runs in, its project; default: the current one
---@field env table<string, string|false>? environment changes for the server (false removes a variable)
---@field on_permission opencode.PermissionHandler? the default of every send; without one, requests are refused
---@field on_question opencode.QuestionHandler? the default of every send; without one, questions are refused

---`client:server()`: the server `opencode.serve` started.
---@class opencode.ServerInfo
---@field pid integer the process id of `opencode serve` (and of its process group)
---@field url string
---@field username string
---@field password string? nil when it runs without one
---@field running boolean false once stopped (or ended by itself)
---@field output string the last lines it printed

---`client:new_session(options)`
---@class opencode.NewSessionOptions
---@field title string?
---@field parentID opencode.SessionRef? makes a child session
---@field permission opencode.Permission? the session's permission rules

---A model: "provider/model", or its two ids.
---@alias opencode.Model string|{ providerID: string, modelID: string }

---`client:send(session, prompt, options)`
---@class opencode.SendOptions
---@field model opencode.Model?
---@field agent string? e.g. "build", "plan"
---@field system string? extra system prompt
---@field variant string?
---@field tools table<string, boolean>? e.g. `{ bash = false }`
---@field no_reply boolean? store the prompt without asking for a reply

---`client:send_async(session, prompt, options)`, and `client:send` with any of
---these callbacks (it then streams: send_async followed by wait). Callbacks run
---inside `handle:poll()` / `handle:wait()`, on the script's own thread.
---@class opencode.SendAsyncOptions: opencode.SendOptions
---@field on_text fun(delta: string, part: opencode.Part)? each piece of reply text as it is written
---@field on_event fun(event: opencode.Event)? every event of the session while the reply is written
---@field on_permission opencode.PermissionHandler? answers the AI's permission requests; default: the client's, else refuse (kind "permission")
---@field on_question opencode.QuestionHandler? answers the AI's questions; default: the client's, else refuse (kind "question")

---`client:events(options)`
---@class opencode.EventOptions
---@field session opencode.SessionRef? only this session's events
---@field types string|string[]? only events of these types, e.g. "session.idle"
---@field directory string? the project directory whose events to follow
---@field heartbeat_timeout number? seconds of silence after which the stream reconnects

---`client:tui_show_toast(options)`
---@class opencode.ToastOptions
---@field message string
---@field title string?
---@field variant "info"|"success"|"warning"|"error"?
---@field duration number? seconds

------------------------------------------------------------------------------
-- The client
------------------------------------------------------------------------------

---A connection to an opencode server, from `opencode.connect`. Each method
---returns its result, or `nil, message, kind, err`. `tostring(client)` shows the URL, never the password.
---@class opencode.Client
local Client = {}

---The server's health: `{ healthy = true, version = "1.18.33" }`.
---@return opencode.Health? health
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:health() end

---Every session of the server.
---@return opencode.Session[]? sessions
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:sessions() end

---One session.
---@param session opencode.SessionRef
---@return opencode.Session? session
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session(session) end

---Creates a session.
---@param options? string|opencode.NewSessionOptions a title, or options
---@return opencode.Session? session
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:new_session(options) end

---Sends a prompt and waits for the AI's whole reply (which can take minutes;
---see `send_timeout`). A prompt that was sent is never retried. The session is
---watched meanwhile: permission requests and questions go to the handlers, and
---are refused without one. With callbacks in `options` it streams (see
---`opencode.SendAsyncOptions`).
---@param session opencode.SessionRef
---@param prompt opencode.Prompt
---@param options? opencode.SendOptions|opencode.SendAsyncOptions
---@return opencode.Reply? reply
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:send(session, prompt, options) end

---Deletes a session.
---@param session opencode.SessionRef
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:delete(session) end

---Aborts the generation running in a session; a `send` waiting there then
---fails with kind "aborted".
---@param session opencode.SessionRef
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:abort(session) end

---The server URL, without credentials.
---@return string url
function Client:url() end

---Stops the server `opencode.serve` started for this client (and everything
---it started); later calls fail with kind "connect". Does nothing for a client
---from `opencode.connect`. Garbage collection and the interpreter's exit stop
---the server too.
---@return true
function Client:close() end

---The server `opencode.serve` started for this client, or nil for a client from `opencode.connect`.
---@return opencode.ServerInfo?
function Client:server() end

---Sends a message in the background and follows its reply as it is written.
---@param session opencode.SessionRef
---@param prompt opencode.Prompt
---@param options? opencode.SendAsyncOptions
---@return opencode.Handle? handle
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:send_async(session, prompt, options) end

---Posts a prompt and returns at once, without waiting for (or reading) the reply.
---@param session opencode.SessionRef
---@param prompt opencode.Prompt
---@param options? opencode.SendOptions
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:prompt_async(session, prompt, options) end

---Opens the server's event stream (reconnecting by itself).
---@param options? opencode.EventOptions
---@return opencode.Stream? stream
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:events(options) end

---Answers a permission request (the `id` of a "permission.asked" event).
---@param request_id string
---@param reply opencode.PermissionReply
---@param message? string
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:reply_permission(request_id, reply, message) end

---Appends text to the prompt of the TUI attached to the server.
---@param text string
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:tui_append_prompt(text) end

---Submits the TUI's prompt, as pressing enter would.
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:tui_submit_prompt() end

---Clears the TUI's prompt.
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:tui_clear_prompt() end

---Shows a toast in the TUI.
---@param options opencode.ToastOptions
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:tui_show_toast(options) end

------------------------------------------------------------------------------
-- Background sends and event streams
------------------------------------------------------------------------------

---A send running in the background, from `client:send_async`.
---@class opencode.Handle
local Handle = {}

---Runs the callbacks for whatever arrived; the reply once it is complete, else nil.
---@return opencode.Reply? reply
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Handle:poll() end

---Waits for the reply (at most `timeout` seconds; default: as long as it takes),
---running the callbacks as text and events arrive.
---@param timeout? number
---@return opencode.Reply? reply
---@return string? message kind "timeout" when the time ran out (the send goes on)
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Handle:wait(timeout) end

---Stops following the reply, aborting the generation if it is still running
---(in the background: it returns at once); later calls fail with kind "closed".
---@return true
function Handle:cancel() end

---A file descriptor that is readable while something waits for `poll`.
---@return integer
function Handle:fd() end

---The server's event stream, from `client:events`: `for event in stream do ... end`.
---@class opencode.Stream
---@operator call: opencode.Event?
local Stream = {}

---The next event, waiting at most `timeout` seconds (default: as long as it
---takes); nil when the time ran out or the stream is closed.
---@param timeout? number
---@return opencode.Event? event
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Stream:next(timeout) end

---The next event if one is already waiting, else nil.
---@return opencode.Event? event
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Stream:poll() end

---Stops the stream.
---@return true
function Stream:close() end

---A file descriptor that is readable while an event is waiting.
---@return integer
function Stream:fd() end

------------------------------------------------------------------------------
-- The settings store
------------------------------------------------------------------------------

---`opencode.settings.define` options.
---@class opencode.SettingOptions
---@field description string?
---@field default number|string|boolean|table?
---@field type "number"|"string"|"boolean"|"table"?

---`opencode.settings.getDetails(name)`
---@class opencode.SettingDetails: opencode.SettingOptions
---@field value any the value set, else the default
---@field changed boolean whether a value is set

---ComputerCraft's `settings` API over the file `.settings` in the working
---directory (CC's `textutils.serialize` format). Its functions are called with
---a dot: `opencode.settings.get("opencc.url")`. `set` changes memory only;
---`save()` writes the file.
---@class opencode.Settings
local Settings = {}

---Declares a setting: its description, default and type.
---@param name string
---@param options? opencode.SettingOptions
function Settings.define(name, options) end

---Removes a setting's definition (its value stays).
---@param name string
function Settings.undefine(name) end

---Sets a value in memory; `save()` writes it.
---@param name string
---@param value number|string|boolean|table
function Settings.set(name, value) end

---The value of a setting, else `default`, else the defined default.
---@param name string
---@param default? any
---@return any
function Settings.get(name, default) end

---A setting's definition, value and whether it was changed.
---@param name string
---@return opencode.SettingDetails
function Settings.getDetails(name) end

---Removes a setting's value.
---@param name string
function Settings.unset(name) end

---Removes every value.
function Settings.clear() end

---The names of every defined or set setting, sorted.
---@return string[]
function Settings.names() end

---Same as `names` (CC's older name).
---@return string[]
function Settings.getNames() end

---Reads settings from `path` (default: the store's file) over the current ones.
---@param path? string
---@return boolean loaded false when the file is missing or unreadable
function Settings.load(path) end

---Writes every value to `path` (default: the store's file).
---@param path? string
---@return boolean ok
---@return string? err
function Settings.save(path) end

------------------------------------------------------------------------------
-- The module
------------------------------------------------------------------------------

---`require("opencode")`
---@class opencode
local opencode = {}

---"opencode 0.1.0"
---@type string
opencode._VERSION = "opencode 0.1.0"

---The value JSON `null` takes inside arrays (so positions are kept); `null`
---fields of objects are left out.
---@type lightuserdata
opencode.null = nil

---The settings store (created on first use).
---@type opencode.Settings
opencode.settings = Settings

---Connects to an opencode server and checks `GET /global/health`, so a wrong URL
---or password fails here. With no argument it uses the environment
---(`OPENCODE_SERVER_URL`, `OPENCODE_SERVER_USERNAME`, `OPENCODE_SERVER_PASSWORD`).
---@param options? string|opencode.ConnectOptions the URL, or options
---@return opencode.Client? client
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.connect(options) end

---Starts `opencode serve` (its own process group, on a free port of 127.0.0.1
---by default), waits until it listens and returns a client connected to it,
---which owns it: `client:close()`, garbage collection of the client or the
---interpreter's exit stop the server and everything it started. Fails with
---`nil, message, kind, err` (kind "timeout", "connect" or "config") whose message quotes the
---last lines the server printed.
---@param options? opencode.ServeOptions
---@return opencode.Client? client
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.serve(options) end

---`client:health()` in function form.
---@param client opencode.Client
---@return opencode.Health? health
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.health(client) end

---`client:sessions()` in function form.
---@param client opencode.Client
---@return opencode.Session[]? sessions
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.sessions(client) end

---`client:session(session)` in function form.
---@param client opencode.Client
---@param session opencode.SessionRef
---@return opencode.Session? session
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session(client, session) end

---`client:new_session(options)` in function form.
---@param client opencode.Client
---@param options? string|opencode.NewSessionOptions
---@return opencode.Session? session
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.new_session(client, options) end

---`client:send(session, prompt, options)` in function form.
---@param client opencode.Client
---@param session opencode.SessionRef
---@param prompt opencode.Prompt
---@param options? opencode.SendOptions|opencode.SendAsyncOptions
---@return opencode.Reply? reply
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.send(client, session, prompt, options) end

---`client:delete(session)` in function form.
---@param client opencode.Client
---@param session opencode.SessionRef
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.delete(client, session) end

---`client:abort(session)` in function form.
---@param client opencode.Client
---@param session opencode.SessionRef
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.abort(client, session) end

---`client:url()` in function form.
---@param client opencode.Client
---@return string url
function opencode.url(client) end

---`client:close()` in function form.
---@param client opencode.Client
---@return true
function opencode.close(client) end

---`client:server()` in function form.
---@param client opencode.Client
---@return opencode.ServerInfo?
function opencode.server(client) end

---`client:send_async(session, prompt, options)` in function form.
---@param client opencode.Client
---@param session opencode.SessionRef
---@param prompt opencode.Prompt
---@param options? opencode.SendAsyncOptions
---@return opencode.Handle? handle
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.send_async(client, session, prompt, options) end

---`client:prompt_async(session, prompt, options)` in function form.
---@param client opencode.Client
---@param session opencode.SessionRef
---@param prompt opencode.Prompt
---@param options? opencode.SendOptions
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.prompt_async(client, session, prompt, options) end

---`client:events(options)` in function form.
---@param client opencode.Client
---@param options? opencode.EventOptions
---@return opencode.Stream? stream
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.events(client, options) end

---`client:reply_permission(request_id, reply, message)` in function form.
---@param client opencode.Client
---@param request_id string
---@param reply opencode.PermissionReply
---@param message? string
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.reply_permission(client, request_id, reply, message) end

---`client:tui_append_prompt(text)` in function form.
---@param client opencode.Client
---@param text string
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.tui_append_prompt(client, text) end

---`client:tui_submit_prompt()` in function form.
---@param client opencode.Client
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.tui_submit_prompt(client) end

---`client:tui_clear_prompt()` in function form.
---@param client opencode.Client
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.tui_clear_prompt(client) end

---`client:tui_show_toast(options)` in function form.
---@param client opencode.Client
---@param options opencode.ToastOptions
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.tui_show_toast(client, options) end

return opencode
