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
---| "too_large" # the server's answer was larger than `max_response_bytes` (`status` is its status)
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
---@field properties table the event's data, as the server sent it (`properties` on the bus, `data` in the v2 streams)
---@field id string? the server's id of the event, when it gave one
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
---@field directory string? project directory the server should work in (`x-opencode-directory`); also the default `directory` (and `location`) of every operation that takes one
---@field workspace string? the default `workspace` (and `location`) of every operation that takes one
---@field timeout number? seconds (default 30); bounds connecting and every call except the wait for a reply to `send` (and the operations that wait like it)
---@field send_timeout number? seconds; bounds the wait for a reply to `send` and the operations that wait like it (default: none); a send's generation is then aborted too
---@field insecure boolean? accept any TLS certificate (self-signed); https is verified unless this is true
---@field max_response_bytes integer? the largest answer read (default 64 MiB); a larger one fails with kind "too_large"
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

---`client:request(method, path, options)`
---@class opencode.RequestOptions
---@field path table<string, string|number>? values of the path's `{name}` segments (escaped when filled in)
---@field query table<string, any>? query parameters; a list repeats the name, a table is spelled `name[key]=value`
---@field body any? sent as JSON
---@field timeout number? seconds; default: the client's `timeout`

---An operation's `operationId`, e.g. "session.messages" (see docs/operations.md).
---@alias opencode.OperationId string

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

---One file descriptor for event loops (luv's `new_poll`, select, epoll):
---readable while any background send or event stream of this client has
---something to deliver; then `poll` each of them. Valid while the client lives.
---@return integer? fd
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:fd() end

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

---Performs any operation of the API by its operationId, with one table of
---parameters named as in the spec (path, query and body fields alike). Every
---operation also has a method of its own (`client:session_messages{...}`,
---below), except where a hand-written method has the name. Returns the decoded
---JSON; `true` for no content; a string for text; a stream for an event stream.
---@param operation opencode.OperationId
---@param params? table
---@return any result
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:call(operation, params) end

---Any request, for endpoints the operation table does not have (a newer
---server's): `client:request("GET", "/session/{sessionID}/message", { path = { sessionID = id } })`.
---The answer is read by its content type: JSON decoded, `true` for none, else a string.
---@param method string "GET", "POST", ... (any case)
---@param path string a template whose `{name}` segments come from `options.path`
---@param options? opencode.RequestOptions
---@return any result
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:request(method, path, options) end

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

---Waits for the reply (at most `timeout` seconds, 0 or more; default: as long
---as it takes), running the callbacks as text and events arrive.
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

---An event stream, from `client:events` (or an operation that answers with one,
---such as `client:global_event()`): `for event in stream do ... end`.
---@class opencode.Stream
---@operator call: opencode.Event?
local Stream = {}

---The next event, waiting at most `timeout` seconds (0 or more; 0: only what
---is already waiting; default: as long as it takes); nil when the time ran out
---or the stream is closed.
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

---`client:fd()` in function form.
---@param client opencode.Client
---@return integer? fd
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.fd(client) end

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

---`client:call(operation, params)` in function form.
---@param client opencode.Client
---@param operation opencode.OperationId
---@param params? table
---@return any result
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.call(client, operation, params) end

---`client:request(method, path, options)` in function form.
---@param client opencode.Client
---@param method string
---@param path string
---@param options? opencode.RequestOptions
---@return any result
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.request(client, method, path, options) end

-- BEGIN GENERATED OPERATIONS: written by tests/operations_table.rs from spec/opencode-1.18.33-openapi.json; do not edit.
-- One method per operation of the API (and its function form); see docs/operations.md.

---Parameters of `app.agents` (`GET /agent`).
---@class opencode.AppAgentsParams
---@field directory string?
---@field workspace string?

---Parameters of `app.log` (`POST /log`).
---@class opencode.AppLogParams
---@field directory string?
---@field workspace string?
---@field service string Service name for the log entry
---@field level string Log level
---@field message string Log message
---@field extra table?

---Parameters of `app.skills` (`GET /skill`).
---@class opencode.AppSkillsParams
---@field directory string?
---@field workspace string?

---Parameters of `auth.remove` (`DELETE /auth/{providerID}`).
---@class opencode.AuthRemoveParams
---@field providerID string

---Parameters of `auth.set` (`PUT /auth/{providerID}`).
---@class opencode.AuthSetParams
---@field providerID string
---@field body table? the whole request body

---Parameters of `command.list` (`GET /command`).
---@class opencode.CommandListParams
---@field directory string?
---@field workspace string?

---Parameters of `config.get` (`GET /config`).
---@class opencode.ConfigGetParams
---@field directory string?
---@field workspace string?

---Parameters of `config.providers` (`GET /config/providers`).
---@class opencode.ConfigProvidersParams
---@field directory string?
---@field workspace string?

---Parameters of `config.update` (`PATCH /config`).
---@class opencode.ConfigUpdateParams
---@field directory string?
---@field workspace string?
---@field ["$schema"] string?
---@field agent table?
---@field attachment table?
---@field autoshare boolean?
---@field autoupdate string|boolean? Automatically update to the latest version. Set to true to auto-update, false to disable, or 'notify' to show update notifications
---@field command table?
---@field compaction table?
---@field default_agent string?
---@field disabled_providers any[]?
---@field enabled_providers any[]?
---@field enterprise table?
---@field experimental table?
---@field formatter boolean|table? Enable or configure formatters. Omit or set to false to disable, true to enable built-ins, or an object to enable built-ins with overrides.
---@field instructions any[]?
---@field layout string? @deprecated Always uses stretch layout.
---@field logLevel string? Log level
---@field lsp boolean|table? Enable or configure LSP servers. Omit or set to false to disable, true to enable built-ins, or an object to enable built-ins with overrides.
---@field mcp table?
---@field mode table?
---@field model string?
---@field permission string|table?
---@field plugin any[]?
---@field provider table?
---@field reference table?
---@field references table?
---@field server table? Server configuration for opencode serve and web commands
---@field share string?
---@field shell string?
---@field skills table?
---@field small_model string?
---@field snapshot boolean?
---@field subagent_depth integer?
---@field tool_output table?
---@field tools table?
---@field username string?
---@field watcher table?

---Parameters of `event.subscribe` (`GET /event`; an event stream, like `client:events()`).
---@class opencode.EventSubscribeParams
---@field directory string?
---@field workspace string?

---Parameters of `experimental.capabilities.get` (`GET /experimental/capabilities`).
---@class opencode.ExperimentalCapabilitiesGetParams
---@field directory string?
---@field workspace string?

---Parameters of `experimental.console.get` (`GET /experimental/console`).
---@class opencode.ExperimentalConsoleGetParams
---@field directory string?
---@field workspace string?

---Parameters of `experimental.console.listOrgs` (`GET /experimental/console/orgs`).
---@class opencode.ExperimentalConsoleListOrgsParams
---@field directory string?
---@field workspace string?

---Parameters of `experimental.console.switchOrg` (`POST /experimental/console/switch`).
---@class opencode.ExperimentalConsoleSwitchOrgParams
---@field directory string?
---@field workspace string?
---@field accountID string
---@field orgID string

---Parameters of `experimental.controlPlane.moveSession` (`POST /experimental/control-plane/move-session`).
---@class opencode.ExperimentalControlPlaneMoveSessionParams
---@field sessionID opencode.SessionRef
---@field destination table
---@field moveChanges boolean?

---Parameters of `experimental.projectCopy.generateName` (`POST /experimental/project/{projectID}/copy/generate-name`).
---@class opencode.ExperimentalProjectCopyGenerateNameParams
---@field projectID string
---@field directory string?
---@field workspace string?
---@field context string?

---Parameters of `experimental.resource.list` (`GET /experimental/resource`).
---@class opencode.ExperimentalResourceListParams
---@field directory string?
---@field workspace string?

---Parameters of `experimental.session.background` (`POST /experimental/session/{sessionID}/background`).
---@class opencode.ExperimentalSessionBackgroundParams
---@field sessionID opencode.SessionRef
---@field directory string?
---@field workspace string?

---Parameters of `experimental.session.list` (`GET /experimental/session`).
---@class opencode.ExperimentalSessionListParams
---@field directory string?
---@field workspace string?
---@field roots string|boolean?
---@field start number?
---@field cursor number?
---@field search string?
---@field limit number?
---@field archived string|boolean?

---Parameters of `experimental.workspace.adapter.list` (`GET /experimental/workspace/adapter`).
---@class opencode.ExperimentalWorkspaceAdapterListParams
---@field directory string?
---@field workspace string?

---Parameters of `experimental.workspace.create` (`POST /experimental/workspace`).
---@class opencode.ExperimentalWorkspaceCreateParams
---@field directory string?
---@field workspace string?
---@field type string
---@field branch string?
---@field extra any?
---@field id string?

---Parameters of `experimental.workspace.list` (`GET /experimental/workspace`).
---@class opencode.ExperimentalWorkspaceListParams
---@field directory string?
---@field workspace string?

---Parameters of `experimental.workspace.remove` (`DELETE /experimental/workspace/{id}`).
---@class opencode.ExperimentalWorkspaceRemoveParams
---@field id string
---@field directory string?
---@field workspace string?

---Parameters of `experimental.workspace.status` (`GET /experimental/workspace/status`).
---@class opencode.ExperimentalWorkspaceStatusParams
---@field directory string?
---@field workspace string?

---Parameters of `experimental.workspace.syncList` (`POST /experimental/workspace/sync-list`).
---@class opencode.ExperimentalWorkspaceSyncListParams
---@field directory string?
---@field workspace string?

---Parameters of `experimental.workspace.warp` (`POST /experimental/workspace/warp`).
---@class opencode.ExperimentalWorkspaceWarpParams
---@field directory string?
---@field workspace string?
---@field id string
---@field sessionID opencode.SessionRef
---@field copyChanges boolean?

---Parameters of `file.list` (`GET /file`).
---@class opencode.FileListParams
---@field directory string?
---@field workspace string?
---@field path string

---Parameters of `file.read` (`GET /file/content`).
---@class opencode.FileReadParams
---@field directory string?
---@field workspace string?
---@field path string

---Parameters of `file.status` (`GET /file/status`).
---@class opencode.FileStatusParams
---@field directory string?
---@field workspace string?

---Parameters of `find.files` (`GET /find/file`).
---@class opencode.FindFilesParams
---@field directory string?
---@field workspace string?
---@field query string
---@field dirs string?
---@field type string?
---@field limit integer?

---Parameters of `find.symbols` (`GET /find/symbol`).
---@class opencode.FindSymbolsParams
---@field directory string?
---@field workspace string?
---@field query string

---Parameters of `find.text` (`GET /find`).
---@class opencode.FindTextParams
---@field directory string?
---@field workspace string?
---@field pattern string

---Parameters of `formatter.status` (`GET /formatter`).
---@class opencode.FormatterStatusParams
---@field directory string?
---@field workspace string?

---Parameters of `global.config.get` (`GET /global/config`).
---@class opencode.GlobalConfigGetParams

---Parameters of `global.config.update` (`PATCH /global/config`).
---@class opencode.GlobalConfigUpdateParams
---@field ["$schema"] string?
---@field agent table?
---@field attachment table?
---@field autoshare boolean?
---@field autoupdate string|boolean? Automatically update to the latest version. Set to true to auto-update, false to disable, or 'notify' to show update notifications
---@field command table?
---@field compaction table?
---@field default_agent string?
---@field disabled_providers any[]?
---@field enabled_providers any[]?
---@field enterprise table?
---@field experimental table?
---@field formatter boolean|table? Enable or configure formatters. Omit or set to false to disable, true to enable built-ins, or an object to enable built-ins with overrides.
---@field instructions any[]?
---@field layout string? @deprecated Always uses stretch layout.
---@field logLevel string? Log level
---@field lsp boolean|table? Enable or configure LSP servers. Omit or set to false to disable, true to enable built-ins, or an object to enable built-ins with overrides.
---@field mcp table?
---@field mode table?
---@field model string?
---@field permission string|table?
---@field plugin any[]?
---@field provider table?
---@field reference table?
---@field references table?
---@field server table? Server configuration for opencode serve and web commands
---@field share string?
---@field shell string?
---@field skills table?
---@field small_model string?
---@field snapshot boolean?
---@field subagent_depth integer?
---@field tool_output table?
---@field tools table?
---@field username string?
---@field watcher table?

---Parameters of `global.dispose` (`POST /global/dispose`).
---@class opencode.GlobalDisposeParams

---Parameters of `global.event` (`GET /global/event`; an event stream, like `client:events()`).
---@class opencode.GlobalEventParams

---Parameters of `global.health` (`GET /global/health`).
---@class opencode.GlobalHealthParams

---Parameters of `global.upgrade` (`POST /global/upgrade`).
---@class opencode.GlobalUpgradeParams
---@field target string

---Parameters of `instance.dispose` (`POST /instance/dispose`).
---@class opencode.InstanceDisposeParams
---@field directory string?
---@field workspace string?

---Parameters of `lsp.status` (`GET /lsp`).
---@class opencode.LspStatusParams
---@field directory string?
---@field workspace string?

---Parameters of `mcp.add` (`POST /mcp`).
---@class opencode.McpAddParams
---@field directory string?
---@field workspace string?
---@field name string
---@field config table

---Parameters of `mcp.auth.authenticate` (`POST /mcp/{name}/auth/authenticate`).
---@class opencode.McpAuthAuthenticateParams
---@field name string
---@field directory string?
---@field workspace string?

---Parameters of `mcp.auth.callback` (`POST /mcp/{name}/auth/callback`).
---@class opencode.McpAuthCallbackParams
---@field name string
---@field directory string?
---@field workspace string?
---@field code string

---Parameters of `mcp.auth.remove` (`DELETE /mcp/{name}/auth`).
---@class opencode.McpAuthRemoveParams
---@field name string
---@field directory string?
---@field workspace string?

---Parameters of `mcp.auth.start` (`POST /mcp/{name}/auth`).
---@class opencode.McpAuthStartParams
---@field name string
---@field directory string?
---@field workspace string?

---Parameters of `mcp.connect` (`POST /mcp/{name}/connect`).
---@class opencode.McpConnectParams
---@field name string
---@field directory string?
---@field workspace string?

---Parameters of `mcp.disconnect` (`POST /mcp/{name}/disconnect`).
---@class opencode.McpDisconnectParams
---@field name string
---@field directory string?
---@field workspace string?

---Parameters of `mcp.status` (`GET /mcp`).
---@class opencode.McpStatusParams
---@field directory string?
---@field workspace string?

---Parameters of `part.delete` (`DELETE /session/{sessionID}/message/{messageID}/part/{partID}`).
---@class opencode.PartDeleteParams
---@field sessionID opencode.SessionRef
---@field messageID string
---@field partID string
---@field directory string?
---@field workspace string?

---Parameters of `part.update` (`PATCH /session/{sessionID}/message/{messageID}/part/{partID}`).
---@class opencode.PartUpdateParams
---@field sessionID opencode.SessionRef
---@field messageID string
---@field partID string
---@field directory string?
---@field workspace string?
---@field body table? the whole request body

---Parameters of `path.get` (`GET /path`).
---@class opencode.PathGetParams
---@field directory string?
---@field workspace string?

---Parameters of `permission.list` (`GET /permission`).
---@class opencode.PermissionListParams
---@field directory string?
---@field workspace string?

---Parameters of `permission.reply` (`POST /permission/{requestID}/reply`).
---@class opencode.PermissionReplyParams
---@field requestID string
---@field directory string?
---@field workspace string?
---@field reply string
---@field message string?

---Parameters of `permission.respond` (`POST /session/{sessionID}/permissions/{permissionID}`).
---@class opencode.PermissionRespondParams
---@field sessionID opencode.SessionRef
---@field permissionID string
---@field directory string?
---@field workspace string?
---@field response string

---Parameters of `project.current` (`GET /project/current`).
---@class opencode.ProjectCurrentParams
---@field directory string?
---@field workspace string?

---Parameters of `project.directories` (`GET /project/{projectID}/directories`).
---@class opencode.ProjectDirectoriesParams
---@field projectID string
---@field directory string?
---@field workspace string?

---Parameters of `project.initGit` (`POST /project/git/init`).
---@class opencode.ProjectInitGitParams
---@field directory string?
---@field workspace string?

---Parameters of `project.list` (`GET /project`).
---@class opencode.ProjectListParams
---@field directory string?
---@field workspace string?

---Parameters of `project.update` (`PATCH /project/{projectID}`).
---@class opencode.ProjectUpdateParams
---@field projectID string
---@field directory string?
---@field workspace string?
---@field commands table?
---@field icon table?
---@field name string?

---Parameters of `provider.auth` (`GET /provider/auth`).
---@class opencode.ProviderAuthParams
---@field directory string?
---@field workspace string?

---Parameters of `provider.list` (`GET /provider`).
---@class opencode.ProviderListParams
---@field directory string?
---@field workspace string?

---Parameters of `provider.oauth.authorize` (`POST /provider/{providerID}/oauth/authorize`).
---@class opencode.ProviderOauthAuthorizeParams
---@field providerID string
---@field directory string?
---@field workspace string?
---@field method number Auth method index
---@field inputs table?

---Parameters of `provider.oauth.callback` (`POST /provider/{providerID}/oauth/callback`).
---@class opencode.ProviderOauthCallbackParams
---@field providerID string
---@field directory string?
---@field workspace string?
---@field method number Auth method index
---@field code string?

---Parameters of `pty.connect` (`GET /pty/{ptyID}/connect`).
---@class opencode.PtyConnectParams
---@field ptyID string
---@field directory string?
---@field workspace string?
---@field cursor string?
---@field ticket string?

---Parameters of `pty.connectToken` (`POST /pty/{ptyID}/connect-token`).
---@class opencode.PtyConnectTokenParams
---@field ptyID string
---@field directory string?
---@field workspace string?

---Parameters of `pty.create` (`POST /pty`).
---@class opencode.PtyCreateParams
---@field directory string?
---@field workspace string?
---@field args any[]?
---@field command string?
---@field cwd string?
---@field env table?
---@field title string?

---Parameters of `pty.get` (`GET /pty/{ptyID}`).
---@class opencode.PtyGetParams
---@field ptyID string
---@field directory string?
---@field workspace string?

---Parameters of `pty.list` (`GET /pty`).
---@class opencode.PtyListParams
---@field directory string?
---@field workspace string?

---Parameters of `pty.remove` (`DELETE /pty/{ptyID}`).
---@class opencode.PtyRemoveParams
---@field ptyID string
---@field directory string?
---@field workspace string?

---Parameters of `pty.shells` (`GET /pty/shells`).
---@class opencode.PtyShellsParams
---@field directory string?
---@field workspace string?

---Parameters of `pty.update` (`PUT /pty/{ptyID}`).
---@class opencode.PtyUpdateParams
---@field ptyID string
---@field directory string?
---@field workspace string?
---@field size table?
---@field title string?

---Parameters of `question.list` (`GET /question`).
---@class opencode.QuestionListParams
---@field directory string?
---@field workspace string?

---Parameters of `question.reject` (`POST /question/{requestID}/reject`).
---@class opencode.QuestionRejectParams
---@field requestID string
---@field directory string?
---@field workspace string?

---Parameters of `question.reply` (`POST /question/{requestID}/reply`).
---@class opencode.QuestionReplyParams
---@field requestID string
---@field directory string?
---@field workspace string?
---@field answers any[] User answers in order of questions (each answer is an array of selected labels)

---Parameters of `session.abort` (`POST /session/{sessionID}/abort`).
---@class opencode.SessionAbortParams
---@field sessionID opencode.SessionRef
---@field directory string?
---@field workspace string?

---Parameters of `session.children` (`GET /session/{sessionID}/children`).
---@class opencode.SessionChildrenParams
---@field sessionID opencode.SessionRef
---@field directory string?
---@field workspace string?

---Parameters of `session.command` (`POST /session/{sessionID}/command`; waits for the AI: bounded by `send_timeout`, like `send`).
---@class opencode.SessionCommandParams
---@field sessionID opencode.SessionRef
---@field directory string?
---@field workspace string?
---@field arguments string
---@field command string
---@field agent string?
---@field messageID string?
---@field model string?
---@field parts any[]?
---@field variant string?

---Parameters of `session.create` (`POST /session`).
---@class opencode.SessionCreateParams
---@field directory string?
---@field workspace string?
---@field agent string?
---@field metadata table?
---@field model table?
---@field parentID string?
---@field permission any[]?
---@field title string?
---@field workspaceID string?

---Parameters of `session.delete` (`DELETE /session/{sessionID}`).
---@class opencode.SessionDeleteParams
---@field sessionID opencode.SessionRef
---@field directory string?
---@field workspace string?

---Parameters of `session.deleteMessage` (`DELETE /session/{sessionID}/message/{messageID}`).
---@class opencode.SessionDeleteMessageParams
---@field sessionID opencode.SessionRef
---@field messageID string
---@field directory string?
---@field workspace string?

---Parameters of `session.diff` (`GET /session/{sessionID}/diff`).
---@class opencode.SessionDiffParams
---@field sessionID opencode.SessionRef
---@field directory string?
---@field workspace string?
---@field messageID string?

---Parameters of `session.fork` (`POST /session/{sessionID}/fork`).
---@class opencode.SessionForkParams
---@field sessionID opencode.SessionRef
---@field directory string?
---@field workspace string?
---@field messageID string?

---Parameters of `session.get` (`GET /session/{sessionID}`).
---@class opencode.SessionGetParams
---@field sessionID opencode.SessionRef
---@field directory string?
---@field workspace string?

---Parameters of `session.init` (`POST /session/{sessionID}/init`).
---@class opencode.SessionInitParams
---@field sessionID opencode.SessionRef
---@field directory string?
---@field workspace string?
---@field modelID string
---@field providerID string
---@field messageID string

---Parameters of `session.list` (`GET /session`).
---@class opencode.SessionListParams
---@field directory string?
---@field workspace string?
---@field scope string?
---@field path string?
---@field roots string|boolean?
---@field start number?
---@field search string?
---@field limit number?

---Parameters of `session.message` (`GET /session/{sessionID}/message/{messageID}`).
---@class opencode.SessionMessageParams
---@field sessionID opencode.SessionRef
---@field messageID string
---@field directory string?
---@field workspace string?

---Parameters of `session.messages` (`GET /session/{sessionID}/message`).
---@class opencode.SessionMessagesParams
---@field sessionID opencode.SessionRef
---@field directory string?
---@field workspace string?
---@field limit integer?
---@field before string?

---Parameters of `session.prompt` (`POST /session/{sessionID}/message`; waits for the AI: bounded by `send_timeout`, like `send`).
---@class opencode.SessionPromptParams
---@field sessionID opencode.SessionRef
---@field directory string?
---@field workspace string?
---@field parts any[]
---@field agent string?
---@field format table?
---@field messageID string?
---@field model table?
---@field noReply boolean?
---@field system string?
---@field tools table?
---@field variant string?

---Parameters of `session.prompt_async` (`POST /session/{sessionID}/prompt_async`).
---@class opencode.SessionPromptAsyncParams
---@field sessionID opencode.SessionRef
---@field directory string?
---@field workspace string?
---@field parts any[]
---@field agent string?
---@field format table?
---@field messageID string?
---@field model table?
---@field noReply boolean?
---@field system string?
---@field tools table?
---@field variant string?

---Parameters of `session.revert` (`POST /session/{sessionID}/revert`).
---@class opencode.SessionRevertParams
---@field sessionID opencode.SessionRef
---@field directory string?
---@field workspace string?
---@field messageID string
---@field partID string?

---Parameters of `session.share` (`POST /session/{sessionID}/share`).
---@class opencode.SessionShareParams
---@field sessionID opencode.SessionRef
---@field directory string?
---@field workspace string?

---Parameters of `session.shell` (`POST /session/{sessionID}/shell`; waits for the AI: bounded by `send_timeout`, like `send`).
---@class opencode.SessionShellParams
---@field sessionID opencode.SessionRef
---@field directory string?
---@field workspace string?
---@field agent string
---@field command string
---@field messageID string?
---@field model table?

---Parameters of `session.status` (`GET /session/status`).
---@class opencode.SessionStatusParams
---@field directory string?
---@field workspace string?

---Parameters of `session.summarize` (`POST /session/{sessionID}/summarize`).
---@class opencode.SessionSummarizeParams
---@field sessionID opencode.SessionRef
---@field directory string?
---@field workspace string?
---@field providerID string
---@field modelID string
---@field auto boolean?

---Parameters of `session.todo` (`GET /session/{sessionID}/todo`).
---@class opencode.SessionTodoParams
---@field sessionID opencode.SessionRef
---@field directory string?
---@field workspace string?

---Parameters of `session.unrevert` (`POST /session/{sessionID}/unrevert`).
---@class opencode.SessionUnrevertParams
---@field sessionID opencode.SessionRef
---@field directory string?
---@field workspace string?

---Parameters of `session.unshare` (`DELETE /session/{sessionID}/share`).
---@class opencode.SessionUnshareParams
---@field sessionID opencode.SessionRef
---@field directory string?
---@field workspace string?

---Parameters of `session.update` (`PATCH /session/{sessionID}`).
---@class opencode.SessionUpdateParams
---@field sessionID opencode.SessionRef
---@field directory string?
---@field workspace string?
---@field metadata table?
---@field permission any[]?
---@field time table?
---@field title string?

---Parameters of `sync.history.list` (`POST /sync/history`).
---@class opencode.SyncHistoryListParams
---@field directory string?
---@field workspace string?
---@field body table? the whole request body

---Parameters of `sync.replay` (`POST /sync/replay`).
---@class opencode.SyncReplayParams
---@field directory string?
---@field workspace string?
---@field body table? the whole request body

---Parameters of `sync.start` (`POST /sync/start`).
---@class opencode.SyncStartParams
---@field directory string?
---@field workspace string?

---Parameters of `sync.steal` (`POST /sync/steal`).
---@class opencode.SyncStealParams
---@field directory string?
---@field workspace string?
---@field sessionID opencode.SessionRef

---Parameters of `tool.ids` (`GET /experimental/tool/ids`).
---@class opencode.ToolIdsParams
---@field directory string?
---@field workspace string?

---Parameters of `tool.list` (`GET /experimental/tool`).
---@class opencode.ToolListParams
---@field directory string?
---@field workspace string?
---@field provider string
---@field model string

---Parameters of `tui.appendPrompt` (`POST /tui/append-prompt`).
---@class opencode.TuiAppendPromptParams
---@field directory string?
---@field workspace string?
---@field text string

---Parameters of `tui.clearPrompt` (`POST /tui/clear-prompt`).
---@class opencode.TuiClearPromptParams
---@field directory string?
---@field workspace string?

---Parameters of `tui.control.next` (`GET /tui/control/next`).
---@class opencode.TuiControlNextParams
---@field directory string?
---@field workspace string?

---Parameters of `tui.control.response` (`POST /tui/control/response`).
---@class opencode.TuiControlResponseParams
---@field directory string?
---@field workspace string?
---@field body any? the whole request body

---Parameters of `tui.executeCommand` (`POST /tui/execute-command`).
---@class opencode.TuiExecuteCommandParams
---@field directory string?
---@field workspace string?
---@field command string

---Parameters of `tui.openHelp` (`POST /tui/open-help`).
---@class opencode.TuiOpenHelpParams
---@field directory string?
---@field workspace string?

---Parameters of `tui.openModels` (`POST /tui/open-models`).
---@class opencode.TuiOpenModelsParams
---@field directory string?
---@field workspace string?

---Parameters of `tui.openSessions` (`POST /tui/open-sessions`).
---@class opencode.TuiOpenSessionsParams
---@field directory string?
---@field workspace string?

---Parameters of `tui.openThemes` (`POST /tui/open-themes`).
---@class opencode.TuiOpenThemesParams
---@field directory string?
---@field workspace string?

---Parameters of `tui.publish` (`POST /tui/publish`).
---@class opencode.TuiPublishParams
---@field directory string?
---@field workspace string?
---@field body table? the whole request body

---Parameters of `tui.selectSession` (`POST /tui/select-session`).
---@class opencode.TuiSelectSessionParams
---@field directory string?
---@field workspace string?
---@field sessionID opencode.SessionRef Session ID to navigate to

---Parameters of `tui.showToast` (`POST /tui/show-toast`).
---@class opencode.TuiShowToastParams
---@field directory string?
---@field workspace string?
---@field message string
---@field variant string
---@field duration integer?
---@field title string?

---Parameters of `tui.submitPrompt` (`POST /tui/submit-prompt`).
---@class opencode.TuiSubmitPromptParams
---@field directory string?
---@field workspace string?

---Parameters of `v2.agent.list` (`GET /api/agent`).
---@class opencode.V2AgentListParams
---@field location table?

---Parameters of `v2.command.list` (`GET /api/command`).
---@class opencode.V2CommandListParams
---@field location table?

---Parameters of `v2.credential.remove` (`DELETE /api/credential/{credentialID}`).
---@class opencode.V2CredentialRemoveParams
---@field credentialID string
---@field location table?

---Parameters of `v2.credential.update` (`PATCH /api/credential/{credentialID}`).
---@class opencode.V2CredentialUpdateParams
---@field credentialID string
---@field location table?
---@field label string

---Parameters of `v2.event.subscribe` (`GET /api/event`; an event stream, like `client:events()`).
---@class opencode.V2EventSubscribeParams

---Parameters of `v2.fs.find` (`GET /api/fs/find`).
---@class opencode.V2FsFindParams
---@field location table?
---@field query string
---@field type string?
---@field limit string?

---Parameters of `v2.fs.list` (`GET /api/fs/list`).
---@class opencode.V2FsListParams
---@field location table?
---@field path string?

---Parameters of `v2.fs.read` (`GET /api/fs/read/*`).
---@class opencode.V2FsReadParams
---@field location table?
---@field path string the rest of the path (slashes kept)

---Parameters of `v2.health.get` (`GET /api/health`).
---@class opencode.V2HealthGetParams

---Parameters of `v2.integration.attempt.cancel` (`DELETE /api/integration/attempt/{attemptID}`).
---@class opencode.V2IntegrationAttemptCancelParams
---@field attemptID string
---@field location table?

---Parameters of `v2.integration.attempt.complete` (`POST /api/integration/attempt/{attemptID}/complete`).
---@class opencode.V2IntegrationAttemptCompleteParams
---@field attemptID string
---@field location table?
---@field code string?

---Parameters of `v2.integration.attempt.status` (`GET /api/integration/attempt/{attemptID}`).
---@class opencode.V2IntegrationAttemptStatusParams
---@field attemptID string
---@field location table?

---Parameters of `v2.integration.connect.key` (`POST /api/integration/{integrationID}/connect/key`).
---@class opencode.V2IntegrationConnectKeyParams
---@field integrationID string
---@field location table?
---@field key string
---@field label string?

---Parameters of `v2.integration.connect.oauth` (`POST /api/integration/{integrationID}/connect/oauth`).
---@class opencode.V2IntegrationConnectOauthParams
---@field integrationID string
---@field location table?
---@field methodID string
---@field inputs table
---@field label string?

---Parameters of `v2.integration.get` (`GET /api/integration/{integrationID}`).
---@class opencode.V2IntegrationGetParams
---@field integrationID string
---@field location table?

---Parameters of `v2.integration.list` (`GET /api/integration`).
---@class opencode.V2IntegrationListParams
---@field location table?

---Parameters of `v2.location.get` (`GET /api/location`).
---@class opencode.V2LocationGetParams
---@field location table?

---Parameters of `v2.model.list` (`GET /api/model`).
---@class opencode.V2ModelListParams
---@field location table?

---Parameters of `v2.permission.request.list` (`GET /api/permission/request`).
---@class opencode.V2PermissionRequestListParams
---@field location table?

---Parameters of `v2.permission.saved.list` (`GET /api/permission/saved`).
---@class opencode.V2PermissionSavedListParams
---@field projectID string?

---Parameters of `v2.permission.saved.remove` (`DELETE /api/permission/saved/{id}`).
---@class opencode.V2PermissionSavedRemoveParams
---@field id string

---Parameters of `v2.projectCopy.create` (`POST /experimental/project/{projectID}/copy`).
---@class opencode.V2ProjectCopyCreateParams
---@field projectID string
---@field location table?
---@field strategy string
---@field directory string
---@field name string?

---Parameters of `v2.projectCopy.refresh` (`POST /experimental/project/{projectID}/copy/refresh`).
---@class opencode.V2ProjectCopyRefreshParams
---@field projectID string
---@field location table?

---Parameters of `v2.projectCopy.remove` (`DELETE /experimental/project/{projectID}/copy`).
---@class opencode.V2ProjectCopyRemoveParams
---@field projectID string
---@field location table?
---@field directory string
---@field force boolean

---Parameters of `v2.provider.get` (`GET /api/provider/{providerID}`).
---@class opencode.V2ProviderGetParams
---@field providerID string
---@field location table?

---Parameters of `v2.provider.list` (`GET /api/provider`).
---@class opencode.V2ProviderListParams
---@field location table?

---Parameters of `v2.pty.connect` (`GET /api/pty/{ptyID}/connect`).
---@class opencode.V2PtyConnectParams
---@field ptyID string
---@field ["location[directory]"] string?
---@field ["location[workspace]"] string?
---@field cursor string?
---@field ticket string?

---Parameters of `v2.pty.connectToken` (`POST /api/pty/{ptyID}/connect-token`).
---@class opencode.V2PtyConnectTokenParams
---@field ptyID string
---@field location table?

---Parameters of `v2.pty.create` (`POST /api/pty`).
---@class opencode.V2PtyCreateParams
---@field location table?
---@field args any[]?
---@field command string?
---@field cwd string?
---@field env table?
---@field title string?

---Parameters of `v2.pty.get` (`GET /api/pty/{ptyID}`).
---@class opencode.V2PtyGetParams
---@field ptyID string
---@field location table?

---Parameters of `v2.pty.list` (`GET /api/pty`).
---@class opencode.V2PtyListParams
---@field location table?

---Parameters of `v2.pty.remove` (`DELETE /api/pty/{ptyID}`).
---@class opencode.V2PtyRemoveParams
---@field ptyID string
---@field location table?

---Parameters of `v2.pty.update` (`PUT /api/pty/{ptyID}`).
---@class opencode.V2PtyUpdateParams
---@field ptyID string
---@field location table?
---@field size table?
---@field title string?

---Parameters of `v2.question.request.list` (`GET /api/question/request`).
---@class opencode.V2QuestionRequestListParams
---@field location table?

---Parameters of `v2.reference.list` (`GET /api/reference`).
---@class opencode.V2ReferenceListParams
---@field location table?

---Parameters of `v2.session.active` (`GET /api/session/active`).
---@class opencode.V2SessionActiveParams

---Parameters of `v2.session.compact` (`POST /api/session/{sessionID}/compact`).
---@class opencode.V2SessionCompactParams
---@field sessionID opencode.SessionRef

---Parameters of `v2.session.context` (`GET /api/session/{sessionID}/context`).
---@class opencode.V2SessionContextParams
---@field sessionID opencode.SessionRef

---Parameters of `v2.session.create` (`POST /api/session`).
---@class opencode.V2SessionCreateParams
---@field agent string?
---@field id string?
---@field location table?
---@field model table?

---Parameters of `v2.session.events` (`GET /api/session/{sessionID}/event`; an event stream, like `client:events()`; it opens in the background (the server is silent until its first event) and a failure to open comes from `next`).
---@class opencode.V2SessionEventsParams
---@field sessionID opencode.SessionRef
---@field after string?

---Parameters of `v2.session.get` (`GET /api/session/{sessionID}`).
---@class opencode.V2SessionGetParams
---@field sessionID opencode.SessionRef

---Parameters of `v2.session.history` (`GET /api/session/{sessionID}/history`).
---@class opencode.V2SessionHistoryParams
---@field sessionID opencode.SessionRef
---@field limit string?
---@field after string?

---Parameters of `v2.session.interrupt` (`POST /api/session/{sessionID}/interrupt`).
---@class opencode.V2SessionInterruptParams
---@field sessionID opencode.SessionRef

---Parameters of `v2.session.list` (`GET /api/session`).
---@class opencode.V2SessionListParams
---@field workspace string?
---@field limit number?
---@field order string?
---@field search string?
---@field directory string?
---@field project string?
---@field subpath string?
---@field cursor string? Opaque pagination cursor returned as cursor.previous or cursor.next in the previous response.

---Parameters of `v2.session.message` (`GET /api/session/{sessionID}/message/{messageID}`).
---@class opencode.V2SessionMessageParams
---@field sessionID opencode.SessionRef
---@field messageID string

---Parameters of `v2.session.messages` (`GET /api/session/{sessionID}/message`).
---@class opencode.V2SessionMessagesParams
---@field sessionID opencode.SessionRef
---@field limit number?
---@field order string?
---@field cursor string? Opaque pagination cursor returned as cursor.previous or cursor.next in the previous response. Do not combine with order.

---Parameters of `v2.session.permission.create` (`POST /api/session/{sessionID}/permission`).
---@class opencode.V2SessionPermissionCreateParams
---@field sessionID opencode.SessionRef
---@field action string
---@field resources any[]
---@field agent string?
---@field id string?
---@field metadata table?
---@field save any[]?
---@field source table?

---Parameters of `v2.session.permission.get` (`GET /api/session/{sessionID}/permission/{requestID}`).
---@class opencode.V2SessionPermissionGetParams
---@field sessionID opencode.SessionRef
---@field requestID string

---Parameters of `v2.session.permission.list` (`GET /api/session/{sessionID}/permission`).
---@class opencode.V2SessionPermissionListParams
---@field sessionID opencode.SessionRef

---Parameters of `v2.session.permission.reply` (`POST /api/session/{sessionID}/permission/{requestID}/reply`).
---@class opencode.V2SessionPermissionReplyParams
---@field sessionID opencode.SessionRef
---@field requestID string
---@field reply string
---@field message string?

---Parameters of `v2.session.prompt` (`POST /api/session/{sessionID}/prompt`; waits for the AI: bounded by `send_timeout`, like `send`).
---@class opencode.V2SessionPromptParams
---@field sessionID opencode.SessionRef
---@field prompt table
---@field delivery string?
---@field id string?
---@field resume boolean?

---Parameters of `v2.session.question.list` (`GET /api/session/{sessionID}/question`).
---@class opencode.V2SessionQuestionListParams
---@field sessionID opencode.SessionRef

---Parameters of `v2.session.question.reject` (`POST /api/session/{sessionID}/question/{requestID}/reject`).
---@class opencode.V2SessionQuestionRejectParams
---@field sessionID opencode.SessionRef
---@field requestID string

---Parameters of `v2.session.question.reply` (`POST /api/session/{sessionID}/question/{requestID}/reply`).
---@class opencode.V2SessionQuestionReplyParams
---@field sessionID opencode.SessionRef
---@field requestID string
---@field answers any[] User answers in order of questions (each answer is an array of selected labels)

---Parameters of `v2.session.revert.clear` (`POST /api/session/{sessionID}/revert/clear`).
---@class opencode.V2SessionRevertClearParams
---@field sessionID opencode.SessionRef

---Parameters of `v2.session.revert.commit` (`POST /api/session/{sessionID}/revert/commit`).
---@class opencode.V2SessionRevertCommitParams
---@field sessionID opencode.SessionRef

---Parameters of `v2.session.revert.stage` (`POST /api/session/{sessionID}/revert/stage`).
---@class opencode.V2SessionRevertStageParams
---@field sessionID opencode.SessionRef
---@field messageID string
---@field files boolean?

---Parameters of `v2.session.switchAgent` (`POST /api/session/{sessionID}/agent`).
---@class opencode.V2SessionSwitchAgentParams
---@field sessionID opencode.SessionRef
---@field agent string

---Parameters of `v2.session.switchModel` (`POST /api/session/{sessionID}/model`).
---@class opencode.V2SessionSwitchModelParams
---@field sessionID opencode.SessionRef
---@field model table

---Parameters of `v2.session.wait` (`POST /api/session/{sessionID}/wait`; waits for the AI: bounded by `send_timeout`, like `send`).
---@class opencode.V2SessionWaitParams
---@field sessionID opencode.SessionRef

---Parameters of `v2.skill.list` (`GET /api/skill`).
---@class opencode.V2SkillListParams
---@field location table?

---Parameters of `vcs.apply` (`POST /vcs/apply`).
---@class opencode.VcsApplyParams
---@field directory string?
---@field workspace string?
---@field patch string

---Parameters of `vcs.diff` (`GET /vcs/diff`).
---@class opencode.VcsDiffParams
---@field directory string?
---@field workspace string?
---@field mode string
---@field context integer?

---Parameters of `vcs.diff.raw` (`GET /vcs/diff/raw`).
---@class opencode.VcsDiffRawParams
---@field directory string?
---@field workspace string?

---Parameters of `vcs.get` (`GET /vcs`).
---@class opencode.VcsGetParams
---@field directory string?
---@field workspace string?

---Parameters of `vcs.status` (`GET /vcs/status`).
---@class opencode.VcsStatusParams
---@field directory string?
---@field workspace string?

---Parameters of `worktree.create` (`POST /experimental/worktree`).
---@class opencode.WorktreeCreateParams
---@field directory string?
---@field workspace string?
---@field name string?
---@field startCommand string? Additional startup script to run after the project's start command

---Parameters of `worktree.list` (`GET /experimental/worktree`).
---@class opencode.WorktreeListParams
---@field directory string?
---@field workspace string?

---Parameters of `worktree.remove` (`DELETE /experimental/worktree`).
---@class opencode.WorktreeRemoveParams
---@field directory string?
---@field workspace string?
---@field body table? the whole request body

---Parameters of `worktree.reset` (`POST /experimental/worktree/reset`).
---@class opencode.WorktreeResetParams
---@field directory string?
---@field workspace string?
---@field body table? the whole request body

---List agents (`app.agents`)
---`GET /agent`
---@param params? opencode.AppAgentsParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:app_agents(params) end

---Write log (`app.log`)
---`POST /log`
---@param params opencode.AppLogParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:app_log(params) end

---List skills (`app.skills`)
---`GET /skill`
---@param params? opencode.AppSkillsParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:app_skills(params) end

---Remove auth credentials (`auth.remove`)
---`DELETE /auth/{providerID}`
---@param params opencode.AuthRemoveParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:auth_remove(params) end

---Set auth credentials (`auth.set`)
---`PUT /auth/{providerID}`
---@param params opencode.AuthSetParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:auth_set(params) end

---List commands (`command.list`)
---`GET /command`
---@param params? opencode.CommandListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:command_list(params) end

---Get configuration (`config.get`)
---`GET /config`
---@param params? opencode.ConfigGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:config_get(params) end

---List config providers (`config.providers`)
---`GET /config/providers`
---@param params? opencode.ConfigProvidersParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:config_providers(params) end

---Update configuration (`config.update`)
---`PATCH /config`
---@param params? opencode.ConfigUpdateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:config_update(params) end

---Subscribe to events (`event.subscribe`)
---`GET /event`; an event stream, like `client:events()`
---@param params? opencode.EventSubscribeParams
---@return opencode.Stream? stream
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:event_subscribe(params) end

---Get experimental capabilities (`experimental.capabilities.get`)
---`GET /experimental/capabilities`
---@param params? opencode.ExperimentalCapabilitiesGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:experimental_capabilities_get(params) end

---Get active Console provider metadata (`experimental.console.get`)
---`GET /experimental/console`
---@param params? opencode.ExperimentalConsoleGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:experimental_console_get(params) end

---List switchable Console orgs (`experimental.console.listOrgs`)
---`GET /experimental/console/orgs`
---@param params? opencode.ExperimentalConsoleListOrgsParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:experimental_console_list_orgs(params) end

---Switch active Console org (`experimental.console.switchOrg`)
---`POST /experimental/console/switch`
---@param params opencode.ExperimentalConsoleSwitchOrgParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:experimental_console_switch_org(params) end

---Move session (`experimental.controlPlane.moveSession`)
---`POST /experimental/control-plane/move-session`
---@param params opencode.ExperimentalControlPlaneMoveSessionParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:experimental_control_plane_move_session(params) end

---Generate project copy name (`experimental.projectCopy.generateName`)
---`POST /experimental/project/{projectID}/copy/generate-name`
---@param params opencode.ExperimentalProjectCopyGenerateNameParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:experimental_project_copy_generate_name(params) end

---Get MCP resources (`experimental.resource.list`)
---`GET /experimental/resource`
---@param params? opencode.ExperimentalResourceListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:experimental_resource_list(params) end

---Background subagents (`experimental.session.background`)
---`POST /experimental/session/{sessionID}/background`
---@param params opencode.ExperimentalSessionBackgroundParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:experimental_session_background(params) end

---List sessions (`experimental.session.list`)
---`GET /experimental/session`
---@param params? opencode.ExperimentalSessionListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:experimental_session_list(params) end

---List workspace adapters (`experimental.workspace.adapter.list`)
---`GET /experimental/workspace/adapter`
---@param params? opencode.ExperimentalWorkspaceAdapterListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:experimental_workspace_adapter_list(params) end

---Create workspace (`experimental.workspace.create`)
---`POST /experimental/workspace`
---@param params opencode.ExperimentalWorkspaceCreateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:experimental_workspace_create(params) end

---List workspaces (`experimental.workspace.list`)
---`GET /experimental/workspace`
---@param params? opencode.ExperimentalWorkspaceListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:experimental_workspace_list(params) end

---Remove workspace (`experimental.workspace.remove`)
---`DELETE /experimental/workspace/{id}`
---@param params opencode.ExperimentalWorkspaceRemoveParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:experimental_workspace_remove(params) end

---Workspace status (`experimental.workspace.status`)
---`GET /experimental/workspace/status`
---@param params? opencode.ExperimentalWorkspaceStatusParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:experimental_workspace_status(params) end

---Sync workspace list (`experimental.workspace.syncList`)
---`POST /experimental/workspace/sync-list`
---@param params? opencode.ExperimentalWorkspaceSyncListParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:experimental_workspace_sync_list(params) end

---Warp session into workspace (`experimental.workspace.warp`)
---`POST /experimental/workspace/warp`
---@param params opencode.ExperimentalWorkspaceWarpParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:experimental_workspace_warp(params) end

---List files (`file.list`)
---`GET /file`
---@param params opencode.FileListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:file_list(params) end

---Read file (`file.read`)
---`GET /file/content`
---@param params opencode.FileReadParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:file_read(params) end

---Get file status (`file.status`)
---`GET /file/status`
---@param params? opencode.FileStatusParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:file_status(params) end

---Find files (`find.files`)
---`GET /find/file`
---@param params opencode.FindFilesParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:find_files(params) end

---Find symbols (`find.symbols`)
---`GET /find/symbol`
---@param params opencode.FindSymbolsParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:find_symbols(params) end

---Find text (`find.text`)
---`GET /find`
---@param params opencode.FindTextParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:find_text(params) end

---Get formatter status (`formatter.status`)
---`GET /formatter`
---@param params? opencode.FormatterStatusParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:formatter_status(params) end

---Get global configuration (`global.config.get`)
---`GET /global/config`
---@param params? opencode.GlobalConfigGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:global_config_get(params) end

---Update global configuration (`global.config.update`)
---`PATCH /global/config`
---@param params? opencode.GlobalConfigUpdateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:global_config_update(params) end

---Dispose instance (`global.dispose`)
---`POST /global/dispose`
---@param params? opencode.GlobalDisposeParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:global_dispose(params) end

---Get global events (`global.event`)
---`GET /global/event`; an event stream, like `client:events()`
---@param params? opencode.GlobalEventParams
---@return opencode.Stream? stream
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:global_event(params) end

---Get health (`global.health`)
---`GET /global/health`
---@param params? opencode.GlobalHealthParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:global_health(params) end

---Upgrade opencode (`global.upgrade`)
---`POST /global/upgrade`
---@param params opencode.GlobalUpgradeParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:global_upgrade(params) end

---Dispose instance (`instance.dispose`)
---`POST /instance/dispose`
---@param params? opencode.InstanceDisposeParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:instance_dispose(params) end

---Get LSP status (`lsp.status`)
---`GET /lsp`
---@param params? opencode.LspStatusParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:lsp_status(params) end

---Add MCP server (`mcp.add`)
---`POST /mcp`
---@param params opencode.McpAddParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:mcp_add(params) end

---Authenticate MCP OAuth (`mcp.auth.authenticate`)
---`POST /mcp/{name}/auth/authenticate`
---@param params opencode.McpAuthAuthenticateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:mcp_auth_authenticate(params) end

---Complete MCP OAuth (`mcp.auth.callback`)
---`POST /mcp/{name}/auth/callback`
---@param params opencode.McpAuthCallbackParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:mcp_auth_callback(params) end

---Remove MCP OAuth (`mcp.auth.remove`)
---`DELETE /mcp/{name}/auth`
---@param params opencode.McpAuthRemoveParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:mcp_auth_remove(params) end

---Start MCP OAuth (`mcp.auth.start`)
---`POST /mcp/{name}/auth`
---@param params opencode.McpAuthStartParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:mcp_auth_start(params) end

---Connect an MCP server. (`mcp.connect`)
---`POST /mcp/{name}/connect`
---@param params opencode.McpConnectParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:mcp_connect(params) end

---Disconnect an MCP server. (`mcp.disconnect`)
---`POST /mcp/{name}/disconnect`
---@param params opencode.McpDisconnectParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:mcp_disconnect(params) end

---Get MCP status (`mcp.status`)
---`GET /mcp`
---@param params? opencode.McpStatusParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:mcp_status(params) end

---Delete a part from a message. (`part.delete`)
---`DELETE /session/{sessionID}/message/{messageID}/part/{partID}`
---@param params opencode.PartDeleteParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:part_delete(params) end

---Update a part in a message. (`part.update`)
---`PATCH /session/{sessionID}/message/{messageID}/part/{partID}`
---@param params opencode.PartUpdateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:part_update(params) end

---Get paths (`path.get`)
---`GET /path`
---@param params? opencode.PathGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:path_get(params) end

---List pending permissions (`permission.list`)
---`GET /permission`
---@param params? opencode.PermissionListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:permission_list(params) end

---Respond to permission request (`permission.reply`)
---`POST /permission/{requestID}/reply`
---@param params opencode.PermissionReplyParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:permission_reply(params) end

---Respond to permission (`permission.respond`)
---`POST /session/{sessionID}/permissions/{permissionID}`
---@deprecated
---@param params opencode.PermissionRespondParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:permission_respond(params) end

---Get current project (`project.current`)
---`GET /project/current`
---@param params? opencode.ProjectCurrentParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:project_current(params) end

---List project directories (`project.directories`)
---`GET /project/{projectID}/directories`
---@param params opencode.ProjectDirectoriesParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:project_directories(params) end

---Initialize git repository (`project.initGit`)
---`POST /project/git/init`
---@param params? opencode.ProjectInitGitParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:project_init_git(params) end

---List all projects (`project.list`)
---`GET /project`
---@param params? opencode.ProjectListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:project_list(params) end

---Update project (`project.update`)
---`PATCH /project/{projectID}`
---@param params opencode.ProjectUpdateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:project_update(params) end

---Get provider auth methods (`provider.auth`)
---`GET /provider/auth`
---@param params? opencode.ProviderAuthParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:provider_auth(params) end

---List providers (`provider.list`)
---`GET /provider`
---@param params? opencode.ProviderListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:provider_list(params) end

---Start OAuth authorization (`provider.oauth.authorize`)
---`POST /provider/{providerID}/oauth/authorize`
---@param params opencode.ProviderOauthAuthorizeParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:provider_oauth_authorize(params) end

---Handle OAuth callback (`provider.oauth.callback`)
---`POST /provider/{providerID}/oauth/callback`
---@param params opencode.ProviderOauthCallbackParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:provider_oauth_callback(params) end

---Connect to PTY session (`pty.connect`)
---`GET /pty/{ptyID}/connect`
---@param params opencode.PtyConnectParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:pty_connect(params) end

---Create PTY WebSocket token (`pty.connectToken`)
---`POST /pty/{ptyID}/connect-token`
---@param params opencode.PtyConnectTokenParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:pty_connect_token(params) end

---Create PTY session (`pty.create`)
---`POST /pty`
---@param params? opencode.PtyCreateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:pty_create(params) end

---Get PTY session (`pty.get`)
---`GET /pty/{ptyID}`
---@param params opencode.PtyGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:pty_get(params) end

---List PTY sessions (`pty.list`)
---`GET /pty`
---@param params? opencode.PtyListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:pty_list(params) end

---Remove PTY session (`pty.remove`)
---`DELETE /pty/{ptyID}`
---@param params opencode.PtyRemoveParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:pty_remove(params) end

---List available shells (`pty.shells`)
---`GET /pty/shells`
---@param params? opencode.PtyShellsParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:pty_shells(params) end

---Update PTY session (`pty.update`)
---`PUT /pty/{ptyID}`
---@param params opencode.PtyUpdateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:pty_update(params) end

---List pending questions (`question.list`)
---`GET /question`
---@param params? opencode.QuestionListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:question_list(params) end

---Reject question request (`question.reject`)
---`POST /question/{requestID}/reject`
---@param params opencode.QuestionRejectParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:question_reject(params) end

---Reply to question request (`question.reply`)
---`POST /question/{requestID}/reply`
---@param params opencode.QuestionReplyParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:question_reply(params) end

---Abort session (`session.abort`)
---`POST /session/{sessionID}/abort`
---@param params opencode.SessionAbortParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session_abort(params) end

---Get session children (`session.children`)
---`GET /session/{sessionID}/children`
---@param params opencode.SessionChildrenParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session_children(params) end

---Send command (`session.command`)
---`POST /session/{sessionID}/command`; waits for the AI: bounded by `send_timeout`, like `send`
---@param params opencode.SessionCommandParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session_command(params) end

---Create session (`session.create`)
---`POST /session`
---@param params? opencode.SessionCreateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session_create(params) end

---Delete session (`session.delete`)
---`DELETE /session/{sessionID}`
---@param params opencode.SessionDeleteParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session_delete(params) end

---Delete message (`session.deleteMessage`)
---`DELETE /session/{sessionID}/message/{messageID}`
---@param params opencode.SessionDeleteMessageParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session_delete_message(params) end

---Get message diff (`session.diff`)
---`GET /session/{sessionID}/diff`
---@param params opencode.SessionDiffParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session_diff(params) end

---Fork session (`session.fork`)
---`POST /session/{sessionID}/fork`
---@param params opencode.SessionForkParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session_fork(params) end

---Get session (`session.get`)
---`GET /session/{sessionID}`
---@param params opencode.SessionGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session_get(params) end

---Initialize session (`session.init`)
---`POST /session/{sessionID}/init`
---@param params opencode.SessionInitParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session_init(params) end

---List sessions (`session.list`)
---`GET /session`
---@param params? opencode.SessionListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session_list(params) end

---Get message (`session.message`)
---`GET /session/{sessionID}/message/{messageID}`
---@param params opencode.SessionMessageParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session_message(params) end

---Get session messages (`session.messages`)
---`GET /session/{sessionID}/message`
---@param params opencode.SessionMessagesParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session_messages(params) end

---Send message (`session.prompt`)
---`POST /session/{sessionID}/message`; waits for the AI: bounded by `send_timeout`, like `send`
---@param params opencode.SessionPromptParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session_prompt(params) end

---Send async message (`session.prompt_async`)
---`POST /session/{sessionID}/prompt_async`
---@param params opencode.SessionPromptAsyncParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session_prompt_async(params) end

---Revert message (`session.revert`)
---`POST /session/{sessionID}/revert`
---@param params opencode.SessionRevertParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session_revert(params) end

---Share session (`session.share`)
---`POST /session/{sessionID}/share`
---@param params opencode.SessionShareParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session_share(params) end

---Run shell command (`session.shell`)
---`POST /session/{sessionID}/shell`; waits for the AI: bounded by `send_timeout`, like `send`
---@param params opencode.SessionShellParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session_shell(params) end

---Get session status (`session.status`)
---`GET /session/status`
---@param params? opencode.SessionStatusParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session_status(params) end

---Summarize session (`session.summarize`)
---`POST /session/{sessionID}/summarize`
---@param params opencode.SessionSummarizeParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session_summarize(params) end

---Get session todos (`session.todo`)
---`GET /session/{sessionID}/todo`
---@param params opencode.SessionTodoParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session_todo(params) end

---Restore reverted messages (`session.unrevert`)
---`POST /session/{sessionID}/unrevert`
---@param params opencode.SessionUnrevertParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session_unrevert(params) end

---Unshare session (`session.unshare`)
---`DELETE /session/{sessionID}/share`
---@param params opencode.SessionUnshareParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session_unshare(params) end

---Update session (`session.update`)
---`PATCH /session/{sessionID}`
---@param params opencode.SessionUpdateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:session_update(params) end

---List sync events (`sync.history.list`)
---`POST /sync/history`
---@param params? opencode.SyncHistoryListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:sync_history_list(params) end

---Replay sync events (`sync.replay`)
---`POST /sync/replay`
---@param params? opencode.SyncReplayParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:sync_replay(params) end

---Start workspace sync (`sync.start`)
---`POST /sync/start`
---@param params? opencode.SyncStartParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:sync_start(params) end

---Steal session into workspace (`sync.steal`)
---`POST /sync/steal`
---@param params opencode.SyncStealParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:sync_steal(params) end

---List tool IDs (`tool.ids`)
---`GET /experimental/tool/ids`
---@param params? opencode.ToolIdsParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:tool_ids(params) end

---List tools (`tool.list`)
---`GET /experimental/tool`
---@param params opencode.ToolListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:tool_list(params) end

---Get next TUI request (`tui.control.next`)
---`GET /tui/control/next`
---@param params? opencode.TuiControlNextParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:tui_control_next(params) end

---Submit TUI response (`tui.control.response`)
---`POST /tui/control/response`
---@param params? opencode.TuiControlResponseParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:tui_control_response(params) end

---Execute TUI command (`tui.executeCommand`)
---`POST /tui/execute-command`
---@param params opencode.TuiExecuteCommandParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:tui_execute_command(params) end

---Open help dialog (`tui.openHelp`)
---`POST /tui/open-help`
---@param params? opencode.TuiOpenHelpParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:tui_open_help(params) end

---Open models dialog (`tui.openModels`)
---`POST /tui/open-models`
---@param params? opencode.TuiOpenModelsParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:tui_open_models(params) end

---Open sessions dialog (`tui.openSessions`)
---`POST /tui/open-sessions`
---@param params? opencode.TuiOpenSessionsParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:tui_open_sessions(params) end

---Open themes dialog (`tui.openThemes`)
---`POST /tui/open-themes`
---@param params? opencode.TuiOpenThemesParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:tui_open_themes(params) end

---Publish TUI event (`tui.publish`)
---`POST /tui/publish`
---@param params? opencode.TuiPublishParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:tui_publish(params) end

---Select session (`tui.selectSession`)
---`POST /tui/select-session`
---@param params opencode.TuiSelectSessionParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:tui_select_session(params) end

---List agents (`v2.agent.list`)
---`GET /api/agent`
---@param params? opencode.V2AgentListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_agent_list(params) end

---List commands (`v2.command.list`)
---`GET /api/command`
---@param params? opencode.V2CommandListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_command_list(params) end

---Remove credential (`v2.credential.remove`)
---`DELETE /api/credential/{credentialID}`
---@param params opencode.V2CredentialRemoveParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_credential_remove(params) end

---Update credential (`v2.credential.update`)
---`PATCH /api/credential/{credentialID}`
---@param params opencode.V2CredentialUpdateParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_credential_update(params) end

---Subscribe to events (`v2.event.subscribe`)
---`GET /api/event`; an event stream, like `client:events()`
---@param params? opencode.V2EventSubscribeParams
---@return opencode.Stream? stream
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_event_subscribe(params) end

---Find files (`v2.fs.find`)
---`GET /api/fs/find`
---@param params opencode.V2FsFindParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_fs_find(params) end

---List directory (`v2.fs.list`)
---`GET /api/fs/list`
---@param params? opencode.V2FsListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_fs_list(params) end

---Read file (`v2.fs.read`)
---`GET /api/fs/read/*`
---@param params opencode.V2FsReadParams
---@return string? body
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_fs_read(params) end

---Check server health (`v2.health.get`)
---`GET /api/health`
---@param params? opencode.V2HealthGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_health_get(params) end

---Cancel OAuth connection (`v2.integration.attempt.cancel`)
---`DELETE /api/integration/attempt/{attemptID}`
---@param params opencode.V2IntegrationAttemptCancelParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_integration_attempt_cancel(params) end

---Complete OAuth connection (`v2.integration.attempt.complete`)
---`POST /api/integration/attempt/{attemptID}/complete`
---@param params opencode.V2IntegrationAttemptCompleteParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_integration_attempt_complete(params) end

---Get OAuth attempt status (`v2.integration.attempt.status`)
---`GET /api/integration/attempt/{attemptID}`
---@param params opencode.V2IntegrationAttemptStatusParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_integration_attempt_status(params) end

---Connect with key (`v2.integration.connect.key`)
---`POST /api/integration/{integrationID}/connect/key`
---@param params opencode.V2IntegrationConnectKeyParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_integration_connect_key(params) end

---Begin OAuth connection (`v2.integration.connect.oauth`)
---`POST /api/integration/{integrationID}/connect/oauth`
---@param params opencode.V2IntegrationConnectOauthParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_integration_connect_oauth(params) end

---Get integration (`v2.integration.get`)
---`GET /api/integration/{integrationID}`
---@param params opencode.V2IntegrationGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_integration_get(params) end

---List integrations (`v2.integration.list`)
---`GET /api/integration`
---@param params? opencode.V2IntegrationListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_integration_list(params) end

---Get location (`v2.location.get`)
---`GET /api/location`
---@param params? opencode.V2LocationGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_location_get(params) end

---List models (`v2.model.list`)
---`GET /api/model`
---@param params? opencode.V2ModelListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_model_list(params) end

---List pending permission requests (`v2.permission.request.list`)
---`GET /api/permission/request`
---@param params? opencode.V2PermissionRequestListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_permission_request_list(params) end

---List saved permissions (`v2.permission.saved.list`)
---`GET /api/permission/saved`
---@param params? opencode.V2PermissionSavedListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_permission_saved_list(params) end

---Remove saved permission (`v2.permission.saved.remove`)
---`DELETE /api/permission/saved/{id}`
---@param params opencode.V2PermissionSavedRemoveParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_permission_saved_remove(params) end

---`v2.projectCopy.create`
---`POST /experimental/project/{projectID}/copy`
---@param params opencode.V2ProjectCopyCreateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_project_copy_create(params) end

---`v2.projectCopy.refresh`
---`POST /experimental/project/{projectID}/copy/refresh`
---@param params opencode.V2ProjectCopyRefreshParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_project_copy_refresh(params) end

---`v2.projectCopy.remove`
---`DELETE /experimental/project/{projectID}/copy`
---@param params opencode.V2ProjectCopyRemoveParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_project_copy_remove(params) end

---Get provider (`v2.provider.get`)
---`GET /api/provider/{providerID}`
---@param params opencode.V2ProviderGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_provider_get(params) end

---List providers (`v2.provider.list`)
---`GET /api/provider`
---@param params? opencode.V2ProviderListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_provider_list(params) end

---Connect to PTY session (`v2.pty.connect`)
---`GET /api/pty/{ptyID}/connect`
---@param params opencode.V2PtyConnectParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_pty_connect(params) end

---Create PTY WebSocket token (`v2.pty.connectToken`)
---`POST /api/pty/{ptyID}/connect-token`
---@param params opencode.V2PtyConnectTokenParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_pty_connect_token(params) end

---Create PTY session (`v2.pty.create`)
---`POST /api/pty`
---@param params? opencode.V2PtyCreateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_pty_create(params) end

---Get PTY session (`v2.pty.get`)
---`GET /api/pty/{ptyID}`
---@param params opencode.V2PtyGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_pty_get(params) end

---List PTY sessions (`v2.pty.list`)
---`GET /api/pty`
---@param params? opencode.V2PtyListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_pty_list(params) end

---Remove PTY session (`v2.pty.remove`)
---`DELETE /api/pty/{ptyID}`
---@param params opencode.V2PtyRemoveParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_pty_remove(params) end

---Update PTY session (`v2.pty.update`)
---`PUT /api/pty/{ptyID}`
---@param params opencode.V2PtyUpdateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_pty_update(params) end

---List pending question requests (`v2.question.request.list`)
---`GET /api/question/request`
---@param params? opencode.V2QuestionRequestListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_question_request_list(params) end

---List references (`v2.reference.list`)
---`GET /api/reference`
---@param params? opencode.V2ReferenceListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_reference_list(params) end

---List active sessions (`v2.session.active`)
---`GET /api/session/active`
---@param params? opencode.V2SessionActiveParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_active(params) end

---Compact session (`v2.session.compact`)
---`POST /api/session/{sessionID}/compact`
---@param params opencode.V2SessionCompactParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_compact(params) end

---Get session context (`v2.session.context`)
---`GET /api/session/{sessionID}/context`
---@param params opencode.V2SessionContextParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_context(params) end

---Create session (`v2.session.create`)
---`POST /api/session`
---@param params? opencode.V2SessionCreateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_create(params) end

---Subscribe to session events (`v2.session.events`)
---`GET /api/session/{sessionID}/event`; an event stream, like `client:events()`; it opens in the background (the server is silent until its first event) and a failure to open comes from `next`
---@param params opencode.V2SessionEventsParams
---@return opencode.Stream? stream
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_events(params) end

---Get session (`v2.session.get`)
---`GET /api/session/{sessionID}`
---@param params opencode.V2SessionGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_get(params) end

---Get session history (`v2.session.history`)
---`GET /api/session/{sessionID}/history`
---@param params opencode.V2SessionHistoryParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_history(params) end

---Interrupt session execution (`v2.session.interrupt`)
---`POST /api/session/{sessionID}/interrupt`
---@param params opencode.V2SessionInterruptParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_interrupt(params) end

---List sessions (`v2.session.list`)
---`GET /api/session`
---@param params? opencode.V2SessionListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_list(params) end

---Get session message (`v2.session.message`)
---`GET /api/session/{sessionID}/message/{messageID}`
---@param params opencode.V2SessionMessageParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_message(params) end

---Get session messages (`v2.session.messages`)
---`GET /api/session/{sessionID}/message`
---@param params opencode.V2SessionMessagesParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_messages(params) end

---Create permission request (`v2.session.permission.create`)
---`POST /api/session/{sessionID}/permission`
---@param params opencode.V2SessionPermissionCreateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_permission_create(params) end

---Get permission request (`v2.session.permission.get`)
---`GET /api/session/{sessionID}/permission/{requestID}`
---@param params opencode.V2SessionPermissionGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_permission_get(params) end

---List session permission requests (`v2.session.permission.list`)
---`GET /api/session/{sessionID}/permission`
---@param params opencode.V2SessionPermissionListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_permission_list(params) end

---Reply to pending permission request (`v2.session.permission.reply`)
---`POST /api/session/{sessionID}/permission/{requestID}/reply`
---@param params opencode.V2SessionPermissionReplyParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_permission_reply(params) end

---Send message (`v2.session.prompt`)
---`POST /api/session/{sessionID}/prompt`; waits for the AI: bounded by `send_timeout`, like `send`
---@param params opencode.V2SessionPromptParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_prompt(params) end

---List session question requests (`v2.session.question.list`)
---`GET /api/session/{sessionID}/question`
---@param params opencode.V2SessionQuestionListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_question_list(params) end

---Reject pending question request (`v2.session.question.reject`)
---`POST /api/session/{sessionID}/question/{requestID}/reject`
---@param params opencode.V2SessionQuestionRejectParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_question_reject(params) end

---Reply to pending question request (`v2.session.question.reply`)
---`POST /api/session/{sessionID}/question/{requestID}/reply`
---@param params opencode.V2SessionQuestionReplyParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_question_reply(params) end

---Clear staged revert (`v2.session.revert.clear`)
---`POST /api/session/{sessionID}/revert/clear`
---@param params opencode.V2SessionRevertClearParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_revert_clear(params) end

---Commit staged revert (`v2.session.revert.commit`)
---`POST /api/session/{sessionID}/revert/commit`
---@param params opencode.V2SessionRevertCommitParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_revert_commit(params) end

---Stage session revert (`v2.session.revert.stage`)
---`POST /api/session/{sessionID}/revert/stage`
---@param params opencode.V2SessionRevertStageParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_revert_stage(params) end

---Switch session agent (`v2.session.switchAgent`)
---`POST /api/session/{sessionID}/agent`
---@param params opencode.V2SessionSwitchAgentParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_switch_agent(params) end

---Switch session model (`v2.session.switchModel`)
---`POST /api/session/{sessionID}/model`
---@param params opencode.V2SessionSwitchModelParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_switch_model(params) end

---Wait for session (`v2.session.wait`)
---`POST /api/session/{sessionID}/wait`; waits for the AI: bounded by `send_timeout`, like `send`
---@param params opencode.V2SessionWaitParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_session_wait(params) end

---List skills (`v2.skill.list`)
---`GET /api/skill`
---@param params? opencode.V2SkillListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:v2_skill_list(params) end

---Apply VCS patch (`vcs.apply`)
---`POST /vcs/apply`
---@param params opencode.VcsApplyParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:vcs_apply(params) end

---Get VCS diff (`vcs.diff`)
---`GET /vcs/diff`
---@param params opencode.VcsDiffParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:vcs_diff(params) end

---Get raw VCS diff (`vcs.diff.raw`)
---`GET /vcs/diff/raw`
---@param params? opencode.VcsDiffRawParams
---@return string? body
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:vcs_diff_raw(params) end

---Get VCS info (`vcs.get`)
---`GET /vcs`
---@param params? opencode.VcsGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:vcs_get(params) end

---Get VCS status (`vcs.status`)
---`GET /vcs/status`
---@param params? opencode.VcsStatusParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:vcs_status(params) end

---Create worktree (`worktree.create`)
---`POST /experimental/worktree`
---@param params? opencode.WorktreeCreateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:worktree_create(params) end

---List worktrees (`worktree.list`)
---`GET /experimental/worktree`
---@param params? opencode.WorktreeListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:worktree_list(params) end

---Remove worktree (`worktree.remove`)
---`DELETE /experimental/worktree`
---@param params? opencode.WorktreeRemoveParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:worktree_remove(params) end

---Reset worktree (`worktree.reset`)
---`POST /experimental/worktree/reset`
---@param params? opencode.WorktreeResetParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function Client:worktree_reset(params) end

---List agents (`app.agents`)
---`GET /agent`
---@param client opencode.Client
---@param params? opencode.AppAgentsParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.app_agents(client, params) end

---Write log (`app.log`)
---`POST /log`
---@param client opencode.Client
---@param params opencode.AppLogParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.app_log(client, params) end

---List skills (`app.skills`)
---`GET /skill`
---@param client opencode.Client
---@param params? opencode.AppSkillsParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.app_skills(client, params) end

---Remove auth credentials (`auth.remove`)
---`DELETE /auth/{providerID}`
---@param client opencode.Client
---@param params opencode.AuthRemoveParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.auth_remove(client, params) end

---Set auth credentials (`auth.set`)
---`PUT /auth/{providerID}`
---@param client opencode.Client
---@param params opencode.AuthSetParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.auth_set(client, params) end

---List commands (`command.list`)
---`GET /command`
---@param client opencode.Client
---@param params? opencode.CommandListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.command_list(client, params) end

---Get configuration (`config.get`)
---`GET /config`
---@param client opencode.Client
---@param params? opencode.ConfigGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.config_get(client, params) end

---List config providers (`config.providers`)
---`GET /config/providers`
---@param client opencode.Client
---@param params? opencode.ConfigProvidersParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.config_providers(client, params) end

---Update configuration (`config.update`)
---`PATCH /config`
---@param client opencode.Client
---@param params? opencode.ConfigUpdateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.config_update(client, params) end

---Subscribe to events (`event.subscribe`)
---`GET /event`; an event stream, like `client:events()`
---@param client opencode.Client
---@param params? opencode.EventSubscribeParams
---@return opencode.Stream? stream
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.event_subscribe(client, params) end

---Get experimental capabilities (`experimental.capabilities.get`)
---`GET /experimental/capabilities`
---@param client opencode.Client
---@param params? opencode.ExperimentalCapabilitiesGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.experimental_capabilities_get(client, params) end

---Get active Console provider metadata (`experimental.console.get`)
---`GET /experimental/console`
---@param client opencode.Client
---@param params? opencode.ExperimentalConsoleGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.experimental_console_get(client, params) end

---List switchable Console orgs (`experimental.console.listOrgs`)
---`GET /experimental/console/orgs`
---@param client opencode.Client
---@param params? opencode.ExperimentalConsoleListOrgsParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.experimental_console_list_orgs(client, params) end

---Switch active Console org (`experimental.console.switchOrg`)
---`POST /experimental/console/switch`
---@param client opencode.Client
---@param params opencode.ExperimentalConsoleSwitchOrgParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.experimental_console_switch_org(client, params) end

---Move session (`experimental.controlPlane.moveSession`)
---`POST /experimental/control-plane/move-session`
---@param client opencode.Client
---@param params opencode.ExperimentalControlPlaneMoveSessionParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.experimental_control_plane_move_session(client, params) end

---Generate project copy name (`experimental.projectCopy.generateName`)
---`POST /experimental/project/{projectID}/copy/generate-name`
---@param client opencode.Client
---@param params opencode.ExperimentalProjectCopyGenerateNameParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.experimental_project_copy_generate_name(client, params) end

---Get MCP resources (`experimental.resource.list`)
---`GET /experimental/resource`
---@param client opencode.Client
---@param params? opencode.ExperimentalResourceListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.experimental_resource_list(client, params) end

---Background subagents (`experimental.session.background`)
---`POST /experimental/session/{sessionID}/background`
---@param client opencode.Client
---@param params opencode.ExperimentalSessionBackgroundParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.experimental_session_background(client, params) end

---List sessions (`experimental.session.list`)
---`GET /experimental/session`
---@param client opencode.Client
---@param params? opencode.ExperimentalSessionListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.experimental_session_list(client, params) end

---List workspace adapters (`experimental.workspace.adapter.list`)
---`GET /experimental/workspace/adapter`
---@param client opencode.Client
---@param params? opencode.ExperimentalWorkspaceAdapterListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.experimental_workspace_adapter_list(client, params) end

---Create workspace (`experimental.workspace.create`)
---`POST /experimental/workspace`
---@param client opencode.Client
---@param params opencode.ExperimentalWorkspaceCreateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.experimental_workspace_create(client, params) end

---List workspaces (`experimental.workspace.list`)
---`GET /experimental/workspace`
---@param client opencode.Client
---@param params? opencode.ExperimentalWorkspaceListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.experimental_workspace_list(client, params) end

---Remove workspace (`experimental.workspace.remove`)
---`DELETE /experimental/workspace/{id}`
---@param client opencode.Client
---@param params opencode.ExperimentalWorkspaceRemoveParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.experimental_workspace_remove(client, params) end

---Workspace status (`experimental.workspace.status`)
---`GET /experimental/workspace/status`
---@param client opencode.Client
---@param params? opencode.ExperimentalWorkspaceStatusParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.experimental_workspace_status(client, params) end

---Sync workspace list (`experimental.workspace.syncList`)
---`POST /experimental/workspace/sync-list`
---@param client opencode.Client
---@param params? opencode.ExperimentalWorkspaceSyncListParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.experimental_workspace_sync_list(client, params) end

---Warp session into workspace (`experimental.workspace.warp`)
---`POST /experimental/workspace/warp`
---@param client opencode.Client
---@param params opencode.ExperimentalWorkspaceWarpParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.experimental_workspace_warp(client, params) end

---List files (`file.list`)
---`GET /file`
---@param client opencode.Client
---@param params opencode.FileListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.file_list(client, params) end

---Read file (`file.read`)
---`GET /file/content`
---@param client opencode.Client
---@param params opencode.FileReadParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.file_read(client, params) end

---Get file status (`file.status`)
---`GET /file/status`
---@param client opencode.Client
---@param params? opencode.FileStatusParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.file_status(client, params) end

---Find files (`find.files`)
---`GET /find/file`
---@param client opencode.Client
---@param params opencode.FindFilesParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.find_files(client, params) end

---Find symbols (`find.symbols`)
---`GET /find/symbol`
---@param client opencode.Client
---@param params opencode.FindSymbolsParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.find_symbols(client, params) end

---Find text (`find.text`)
---`GET /find`
---@param client opencode.Client
---@param params opencode.FindTextParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.find_text(client, params) end

---Get formatter status (`formatter.status`)
---`GET /formatter`
---@param client opencode.Client
---@param params? opencode.FormatterStatusParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.formatter_status(client, params) end

---Get global configuration (`global.config.get`)
---`GET /global/config`
---@param client opencode.Client
---@param params? opencode.GlobalConfigGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.global_config_get(client, params) end

---Update global configuration (`global.config.update`)
---`PATCH /global/config`
---@param client opencode.Client
---@param params? opencode.GlobalConfigUpdateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.global_config_update(client, params) end

---Dispose instance (`global.dispose`)
---`POST /global/dispose`
---@param client opencode.Client
---@param params? opencode.GlobalDisposeParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.global_dispose(client, params) end

---Get global events (`global.event`)
---`GET /global/event`; an event stream, like `client:events()`
---@param client opencode.Client
---@param params? opencode.GlobalEventParams
---@return opencode.Stream? stream
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.global_event(client, params) end

---Get health (`global.health`)
---`GET /global/health`
---@param client opencode.Client
---@param params? opencode.GlobalHealthParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.global_health(client, params) end

---Upgrade opencode (`global.upgrade`)
---`POST /global/upgrade`
---@param client opencode.Client
---@param params opencode.GlobalUpgradeParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.global_upgrade(client, params) end

---Dispose instance (`instance.dispose`)
---`POST /instance/dispose`
---@param client opencode.Client
---@param params? opencode.InstanceDisposeParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.instance_dispose(client, params) end

---Get LSP status (`lsp.status`)
---`GET /lsp`
---@param client opencode.Client
---@param params? opencode.LspStatusParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.lsp_status(client, params) end

---Add MCP server (`mcp.add`)
---`POST /mcp`
---@param client opencode.Client
---@param params opencode.McpAddParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.mcp_add(client, params) end

---Authenticate MCP OAuth (`mcp.auth.authenticate`)
---`POST /mcp/{name}/auth/authenticate`
---@param client opencode.Client
---@param params opencode.McpAuthAuthenticateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.mcp_auth_authenticate(client, params) end

---Complete MCP OAuth (`mcp.auth.callback`)
---`POST /mcp/{name}/auth/callback`
---@param client opencode.Client
---@param params opencode.McpAuthCallbackParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.mcp_auth_callback(client, params) end

---Remove MCP OAuth (`mcp.auth.remove`)
---`DELETE /mcp/{name}/auth`
---@param client opencode.Client
---@param params opencode.McpAuthRemoveParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.mcp_auth_remove(client, params) end

---Start MCP OAuth (`mcp.auth.start`)
---`POST /mcp/{name}/auth`
---@param client opencode.Client
---@param params opencode.McpAuthStartParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.mcp_auth_start(client, params) end

---Connect an MCP server. (`mcp.connect`)
---`POST /mcp/{name}/connect`
---@param client opencode.Client
---@param params opencode.McpConnectParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.mcp_connect(client, params) end

---Disconnect an MCP server. (`mcp.disconnect`)
---`POST /mcp/{name}/disconnect`
---@param client opencode.Client
---@param params opencode.McpDisconnectParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.mcp_disconnect(client, params) end

---Get MCP status (`mcp.status`)
---`GET /mcp`
---@param client opencode.Client
---@param params? opencode.McpStatusParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.mcp_status(client, params) end

---Delete a part from a message. (`part.delete`)
---`DELETE /session/{sessionID}/message/{messageID}/part/{partID}`
---@param client opencode.Client
---@param params opencode.PartDeleteParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.part_delete(client, params) end

---Update a part in a message. (`part.update`)
---`PATCH /session/{sessionID}/message/{messageID}/part/{partID}`
---@param client opencode.Client
---@param params opencode.PartUpdateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.part_update(client, params) end

---Get paths (`path.get`)
---`GET /path`
---@param client opencode.Client
---@param params? opencode.PathGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.path_get(client, params) end

---List pending permissions (`permission.list`)
---`GET /permission`
---@param client opencode.Client
---@param params? opencode.PermissionListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.permission_list(client, params) end

---Respond to permission request (`permission.reply`)
---`POST /permission/{requestID}/reply`
---@param client opencode.Client
---@param params opencode.PermissionReplyParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.permission_reply(client, params) end

---Respond to permission (`permission.respond`)
---`POST /session/{sessionID}/permissions/{permissionID}`
---@deprecated
---@param client opencode.Client
---@param params opencode.PermissionRespondParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.permission_respond(client, params) end

---Get current project (`project.current`)
---`GET /project/current`
---@param client opencode.Client
---@param params? opencode.ProjectCurrentParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.project_current(client, params) end

---List project directories (`project.directories`)
---`GET /project/{projectID}/directories`
---@param client opencode.Client
---@param params opencode.ProjectDirectoriesParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.project_directories(client, params) end

---Initialize git repository (`project.initGit`)
---`POST /project/git/init`
---@param client opencode.Client
---@param params? opencode.ProjectInitGitParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.project_init_git(client, params) end

---List all projects (`project.list`)
---`GET /project`
---@param client opencode.Client
---@param params? opencode.ProjectListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.project_list(client, params) end

---Update project (`project.update`)
---`PATCH /project/{projectID}`
---@param client opencode.Client
---@param params opencode.ProjectUpdateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.project_update(client, params) end

---Get provider auth methods (`provider.auth`)
---`GET /provider/auth`
---@param client opencode.Client
---@param params? opencode.ProviderAuthParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.provider_auth(client, params) end

---List providers (`provider.list`)
---`GET /provider`
---@param client opencode.Client
---@param params? opencode.ProviderListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.provider_list(client, params) end

---Start OAuth authorization (`provider.oauth.authorize`)
---`POST /provider/{providerID}/oauth/authorize`
---@param client opencode.Client
---@param params opencode.ProviderOauthAuthorizeParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.provider_oauth_authorize(client, params) end

---Handle OAuth callback (`provider.oauth.callback`)
---`POST /provider/{providerID}/oauth/callback`
---@param client opencode.Client
---@param params opencode.ProviderOauthCallbackParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.provider_oauth_callback(client, params) end

---Connect to PTY session (`pty.connect`)
---`GET /pty/{ptyID}/connect`
---@param client opencode.Client
---@param params opencode.PtyConnectParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.pty_connect(client, params) end

---Create PTY WebSocket token (`pty.connectToken`)
---`POST /pty/{ptyID}/connect-token`
---@param client opencode.Client
---@param params opencode.PtyConnectTokenParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.pty_connect_token(client, params) end

---Create PTY session (`pty.create`)
---`POST /pty`
---@param client opencode.Client
---@param params? opencode.PtyCreateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.pty_create(client, params) end

---Get PTY session (`pty.get`)
---`GET /pty/{ptyID}`
---@param client opencode.Client
---@param params opencode.PtyGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.pty_get(client, params) end

---List PTY sessions (`pty.list`)
---`GET /pty`
---@param client opencode.Client
---@param params? opencode.PtyListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.pty_list(client, params) end

---Remove PTY session (`pty.remove`)
---`DELETE /pty/{ptyID}`
---@param client opencode.Client
---@param params opencode.PtyRemoveParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.pty_remove(client, params) end

---List available shells (`pty.shells`)
---`GET /pty/shells`
---@param client opencode.Client
---@param params? opencode.PtyShellsParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.pty_shells(client, params) end

---Update PTY session (`pty.update`)
---`PUT /pty/{ptyID}`
---@param client opencode.Client
---@param params opencode.PtyUpdateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.pty_update(client, params) end

---List pending questions (`question.list`)
---`GET /question`
---@param client opencode.Client
---@param params? opencode.QuestionListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.question_list(client, params) end

---Reject question request (`question.reject`)
---`POST /question/{requestID}/reject`
---@param client opencode.Client
---@param params opencode.QuestionRejectParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.question_reject(client, params) end

---Reply to question request (`question.reply`)
---`POST /question/{requestID}/reply`
---@param client opencode.Client
---@param params opencode.QuestionReplyParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.question_reply(client, params) end

---Abort session (`session.abort`)
---`POST /session/{sessionID}/abort`
---@param client opencode.Client
---@param params opencode.SessionAbortParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session_abort(client, params) end

---Get session children (`session.children`)
---`GET /session/{sessionID}/children`
---@param client opencode.Client
---@param params opencode.SessionChildrenParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session_children(client, params) end

---Send command (`session.command`)
---`POST /session/{sessionID}/command`; waits for the AI: bounded by `send_timeout`, like `send`
---@param client opencode.Client
---@param params opencode.SessionCommandParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session_command(client, params) end

---Create session (`session.create`)
---`POST /session`
---@param client opencode.Client
---@param params? opencode.SessionCreateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session_create(client, params) end

---Delete session (`session.delete`)
---`DELETE /session/{sessionID}`
---@param client opencode.Client
---@param params opencode.SessionDeleteParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session_delete(client, params) end

---Delete message (`session.deleteMessage`)
---`DELETE /session/{sessionID}/message/{messageID}`
---@param client opencode.Client
---@param params opencode.SessionDeleteMessageParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session_delete_message(client, params) end

---Get message diff (`session.diff`)
---`GET /session/{sessionID}/diff`
---@param client opencode.Client
---@param params opencode.SessionDiffParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session_diff(client, params) end

---Fork session (`session.fork`)
---`POST /session/{sessionID}/fork`
---@param client opencode.Client
---@param params opencode.SessionForkParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session_fork(client, params) end

---Get session (`session.get`)
---`GET /session/{sessionID}`
---@param client opencode.Client
---@param params opencode.SessionGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session_get(client, params) end

---Initialize session (`session.init`)
---`POST /session/{sessionID}/init`
---@param client opencode.Client
---@param params opencode.SessionInitParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session_init(client, params) end

---List sessions (`session.list`)
---`GET /session`
---@param client opencode.Client
---@param params? opencode.SessionListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session_list(client, params) end

---Get message (`session.message`)
---`GET /session/{sessionID}/message/{messageID}`
---@param client opencode.Client
---@param params opencode.SessionMessageParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session_message(client, params) end

---Get session messages (`session.messages`)
---`GET /session/{sessionID}/message`
---@param client opencode.Client
---@param params opencode.SessionMessagesParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session_messages(client, params) end

---Send message (`session.prompt`)
---`POST /session/{sessionID}/message`; waits for the AI: bounded by `send_timeout`, like `send`
---@param client opencode.Client
---@param params opencode.SessionPromptParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session_prompt(client, params) end

---Send async message (`session.prompt_async`)
---`POST /session/{sessionID}/prompt_async`
---@param client opencode.Client
---@param params opencode.SessionPromptAsyncParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session_prompt_async(client, params) end

---Revert message (`session.revert`)
---`POST /session/{sessionID}/revert`
---@param client opencode.Client
---@param params opencode.SessionRevertParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session_revert(client, params) end

---Share session (`session.share`)
---`POST /session/{sessionID}/share`
---@param client opencode.Client
---@param params opencode.SessionShareParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session_share(client, params) end

---Run shell command (`session.shell`)
---`POST /session/{sessionID}/shell`; waits for the AI: bounded by `send_timeout`, like `send`
---@param client opencode.Client
---@param params opencode.SessionShellParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session_shell(client, params) end

---Get session status (`session.status`)
---`GET /session/status`
---@param client opencode.Client
---@param params? opencode.SessionStatusParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session_status(client, params) end

---Summarize session (`session.summarize`)
---`POST /session/{sessionID}/summarize`
---@param client opencode.Client
---@param params opencode.SessionSummarizeParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session_summarize(client, params) end

---Get session todos (`session.todo`)
---`GET /session/{sessionID}/todo`
---@param client opencode.Client
---@param params opencode.SessionTodoParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session_todo(client, params) end

---Restore reverted messages (`session.unrevert`)
---`POST /session/{sessionID}/unrevert`
---@param client opencode.Client
---@param params opencode.SessionUnrevertParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session_unrevert(client, params) end

---Unshare session (`session.unshare`)
---`DELETE /session/{sessionID}/share`
---@param client opencode.Client
---@param params opencode.SessionUnshareParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session_unshare(client, params) end

---Update session (`session.update`)
---`PATCH /session/{sessionID}`
---@param client opencode.Client
---@param params opencode.SessionUpdateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.session_update(client, params) end

---List sync events (`sync.history.list`)
---`POST /sync/history`
---@param client opencode.Client
---@param params? opencode.SyncHistoryListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.sync_history_list(client, params) end

---Replay sync events (`sync.replay`)
---`POST /sync/replay`
---@param client opencode.Client
---@param params? opencode.SyncReplayParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.sync_replay(client, params) end

---Start workspace sync (`sync.start`)
---`POST /sync/start`
---@param client opencode.Client
---@param params? opencode.SyncStartParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.sync_start(client, params) end

---Steal session into workspace (`sync.steal`)
---`POST /sync/steal`
---@param client opencode.Client
---@param params opencode.SyncStealParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.sync_steal(client, params) end

---List tool IDs (`tool.ids`)
---`GET /experimental/tool/ids`
---@param client opencode.Client
---@param params? opencode.ToolIdsParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.tool_ids(client, params) end

---List tools (`tool.list`)
---`GET /experimental/tool`
---@param client opencode.Client
---@param params opencode.ToolListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.tool_list(client, params) end

---Get next TUI request (`tui.control.next`)
---`GET /tui/control/next`
---@param client opencode.Client
---@param params? opencode.TuiControlNextParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.tui_control_next(client, params) end

---Submit TUI response (`tui.control.response`)
---`POST /tui/control/response`
---@param client opencode.Client
---@param params? opencode.TuiControlResponseParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.tui_control_response(client, params) end

---Execute TUI command (`tui.executeCommand`)
---`POST /tui/execute-command`
---@param client opencode.Client
---@param params opencode.TuiExecuteCommandParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.tui_execute_command(client, params) end

---Open help dialog (`tui.openHelp`)
---`POST /tui/open-help`
---@param client opencode.Client
---@param params? opencode.TuiOpenHelpParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.tui_open_help(client, params) end

---Open models dialog (`tui.openModels`)
---`POST /tui/open-models`
---@param client opencode.Client
---@param params? opencode.TuiOpenModelsParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.tui_open_models(client, params) end

---Open sessions dialog (`tui.openSessions`)
---`POST /tui/open-sessions`
---@param client opencode.Client
---@param params? opencode.TuiOpenSessionsParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.tui_open_sessions(client, params) end

---Open themes dialog (`tui.openThemes`)
---`POST /tui/open-themes`
---@param client opencode.Client
---@param params? opencode.TuiOpenThemesParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.tui_open_themes(client, params) end

---Publish TUI event (`tui.publish`)
---`POST /tui/publish`
---@param client opencode.Client
---@param params? opencode.TuiPublishParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.tui_publish(client, params) end

---Select session (`tui.selectSession`)
---`POST /tui/select-session`
---@param client opencode.Client
---@param params opencode.TuiSelectSessionParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.tui_select_session(client, params) end

---List agents (`v2.agent.list`)
---`GET /api/agent`
---@param client opencode.Client
---@param params? opencode.V2AgentListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_agent_list(client, params) end

---List commands (`v2.command.list`)
---`GET /api/command`
---@param client opencode.Client
---@param params? opencode.V2CommandListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_command_list(client, params) end

---Remove credential (`v2.credential.remove`)
---`DELETE /api/credential/{credentialID}`
---@param client opencode.Client
---@param params opencode.V2CredentialRemoveParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_credential_remove(client, params) end

---Update credential (`v2.credential.update`)
---`PATCH /api/credential/{credentialID}`
---@param client opencode.Client
---@param params opencode.V2CredentialUpdateParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_credential_update(client, params) end

---Subscribe to events (`v2.event.subscribe`)
---`GET /api/event`; an event stream, like `client:events()`
---@param client opencode.Client
---@param params? opencode.V2EventSubscribeParams
---@return opencode.Stream? stream
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_event_subscribe(client, params) end

---Find files (`v2.fs.find`)
---`GET /api/fs/find`
---@param client opencode.Client
---@param params opencode.V2FsFindParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_fs_find(client, params) end

---List directory (`v2.fs.list`)
---`GET /api/fs/list`
---@param client opencode.Client
---@param params? opencode.V2FsListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_fs_list(client, params) end

---Read file (`v2.fs.read`)
---`GET /api/fs/read/*`
---@param client opencode.Client
---@param params opencode.V2FsReadParams
---@return string? body
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_fs_read(client, params) end

---Check server health (`v2.health.get`)
---`GET /api/health`
---@param client opencode.Client
---@param params? opencode.V2HealthGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_health_get(client, params) end

---Cancel OAuth connection (`v2.integration.attempt.cancel`)
---`DELETE /api/integration/attempt/{attemptID}`
---@param client opencode.Client
---@param params opencode.V2IntegrationAttemptCancelParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_integration_attempt_cancel(client, params) end

---Complete OAuth connection (`v2.integration.attempt.complete`)
---`POST /api/integration/attempt/{attemptID}/complete`
---@param client opencode.Client
---@param params opencode.V2IntegrationAttemptCompleteParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_integration_attempt_complete(client, params) end

---Get OAuth attempt status (`v2.integration.attempt.status`)
---`GET /api/integration/attempt/{attemptID}`
---@param client opencode.Client
---@param params opencode.V2IntegrationAttemptStatusParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_integration_attempt_status(client, params) end

---Connect with key (`v2.integration.connect.key`)
---`POST /api/integration/{integrationID}/connect/key`
---@param client opencode.Client
---@param params opencode.V2IntegrationConnectKeyParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_integration_connect_key(client, params) end

---Begin OAuth connection (`v2.integration.connect.oauth`)
---`POST /api/integration/{integrationID}/connect/oauth`
---@param client opencode.Client
---@param params opencode.V2IntegrationConnectOauthParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_integration_connect_oauth(client, params) end

---Get integration (`v2.integration.get`)
---`GET /api/integration/{integrationID}`
---@param client opencode.Client
---@param params opencode.V2IntegrationGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_integration_get(client, params) end

---List integrations (`v2.integration.list`)
---`GET /api/integration`
---@param client opencode.Client
---@param params? opencode.V2IntegrationListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_integration_list(client, params) end

---Get location (`v2.location.get`)
---`GET /api/location`
---@param client opencode.Client
---@param params? opencode.V2LocationGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_location_get(client, params) end

---List models (`v2.model.list`)
---`GET /api/model`
---@param client opencode.Client
---@param params? opencode.V2ModelListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_model_list(client, params) end

---List pending permission requests (`v2.permission.request.list`)
---`GET /api/permission/request`
---@param client opencode.Client
---@param params? opencode.V2PermissionRequestListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_permission_request_list(client, params) end

---List saved permissions (`v2.permission.saved.list`)
---`GET /api/permission/saved`
---@param client opencode.Client
---@param params? opencode.V2PermissionSavedListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_permission_saved_list(client, params) end

---Remove saved permission (`v2.permission.saved.remove`)
---`DELETE /api/permission/saved/{id}`
---@param client opencode.Client
---@param params opencode.V2PermissionSavedRemoveParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_permission_saved_remove(client, params) end

---`v2.projectCopy.create`
---`POST /experimental/project/{projectID}/copy`
---@param client opencode.Client
---@param params opencode.V2ProjectCopyCreateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_project_copy_create(client, params) end

---`v2.projectCopy.refresh`
---`POST /experimental/project/{projectID}/copy/refresh`
---@param client opencode.Client
---@param params opencode.V2ProjectCopyRefreshParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_project_copy_refresh(client, params) end

---`v2.projectCopy.remove`
---`DELETE /experimental/project/{projectID}/copy`
---@param client opencode.Client
---@param params opencode.V2ProjectCopyRemoveParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_project_copy_remove(client, params) end

---Get provider (`v2.provider.get`)
---`GET /api/provider/{providerID}`
---@param client opencode.Client
---@param params opencode.V2ProviderGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_provider_get(client, params) end

---List providers (`v2.provider.list`)
---`GET /api/provider`
---@param client opencode.Client
---@param params? opencode.V2ProviderListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_provider_list(client, params) end

---Connect to PTY session (`v2.pty.connect`)
---`GET /api/pty/{ptyID}/connect`
---@param client opencode.Client
---@param params opencode.V2PtyConnectParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_pty_connect(client, params) end

---Create PTY WebSocket token (`v2.pty.connectToken`)
---`POST /api/pty/{ptyID}/connect-token`
---@param client opencode.Client
---@param params opencode.V2PtyConnectTokenParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_pty_connect_token(client, params) end

---Create PTY session (`v2.pty.create`)
---`POST /api/pty`
---@param client opencode.Client
---@param params? opencode.V2PtyCreateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_pty_create(client, params) end

---Get PTY session (`v2.pty.get`)
---`GET /api/pty/{ptyID}`
---@param client opencode.Client
---@param params opencode.V2PtyGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_pty_get(client, params) end

---List PTY sessions (`v2.pty.list`)
---`GET /api/pty`
---@param client opencode.Client
---@param params? opencode.V2PtyListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_pty_list(client, params) end

---Remove PTY session (`v2.pty.remove`)
---`DELETE /api/pty/{ptyID}`
---@param client opencode.Client
---@param params opencode.V2PtyRemoveParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_pty_remove(client, params) end

---Update PTY session (`v2.pty.update`)
---`PUT /api/pty/{ptyID}`
---@param client opencode.Client
---@param params opencode.V2PtyUpdateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_pty_update(client, params) end

---List pending question requests (`v2.question.request.list`)
---`GET /api/question/request`
---@param client opencode.Client
---@param params? opencode.V2QuestionRequestListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_question_request_list(client, params) end

---List references (`v2.reference.list`)
---`GET /api/reference`
---@param client opencode.Client
---@param params? opencode.V2ReferenceListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_reference_list(client, params) end

---List active sessions (`v2.session.active`)
---`GET /api/session/active`
---@param client opencode.Client
---@param params? opencode.V2SessionActiveParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_active(client, params) end

---Compact session (`v2.session.compact`)
---`POST /api/session/{sessionID}/compact`
---@param client opencode.Client
---@param params opencode.V2SessionCompactParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_compact(client, params) end

---Get session context (`v2.session.context`)
---`GET /api/session/{sessionID}/context`
---@param client opencode.Client
---@param params opencode.V2SessionContextParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_context(client, params) end

---Create session (`v2.session.create`)
---`POST /api/session`
---@param client opencode.Client
---@param params? opencode.V2SessionCreateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_create(client, params) end

---Subscribe to session events (`v2.session.events`)
---`GET /api/session/{sessionID}/event`; an event stream, like `client:events()`; it opens in the background (the server is silent until its first event) and a failure to open comes from `next`
---@param client opencode.Client
---@param params opencode.V2SessionEventsParams
---@return opencode.Stream? stream
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_events(client, params) end

---Get session (`v2.session.get`)
---`GET /api/session/{sessionID}`
---@param client opencode.Client
---@param params opencode.V2SessionGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_get(client, params) end

---Get session history (`v2.session.history`)
---`GET /api/session/{sessionID}/history`
---@param client opencode.Client
---@param params opencode.V2SessionHistoryParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_history(client, params) end

---Interrupt session execution (`v2.session.interrupt`)
---`POST /api/session/{sessionID}/interrupt`
---@param client opencode.Client
---@param params opencode.V2SessionInterruptParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_interrupt(client, params) end

---List sessions (`v2.session.list`)
---`GET /api/session`
---@param client opencode.Client
---@param params? opencode.V2SessionListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_list(client, params) end

---Get session message (`v2.session.message`)
---`GET /api/session/{sessionID}/message/{messageID}`
---@param client opencode.Client
---@param params opencode.V2SessionMessageParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_message(client, params) end

---Get session messages (`v2.session.messages`)
---`GET /api/session/{sessionID}/message`
---@param client opencode.Client
---@param params opencode.V2SessionMessagesParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_messages(client, params) end

---Create permission request (`v2.session.permission.create`)
---`POST /api/session/{sessionID}/permission`
---@param client opencode.Client
---@param params opencode.V2SessionPermissionCreateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_permission_create(client, params) end

---Get permission request (`v2.session.permission.get`)
---`GET /api/session/{sessionID}/permission/{requestID}`
---@param client opencode.Client
---@param params opencode.V2SessionPermissionGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_permission_get(client, params) end

---List session permission requests (`v2.session.permission.list`)
---`GET /api/session/{sessionID}/permission`
---@param client opencode.Client
---@param params opencode.V2SessionPermissionListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_permission_list(client, params) end

---Reply to pending permission request (`v2.session.permission.reply`)
---`POST /api/session/{sessionID}/permission/{requestID}/reply`
---@param client opencode.Client
---@param params opencode.V2SessionPermissionReplyParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_permission_reply(client, params) end

---Send message (`v2.session.prompt`)
---`POST /api/session/{sessionID}/prompt`; waits for the AI: bounded by `send_timeout`, like `send`
---@param client opencode.Client
---@param params opencode.V2SessionPromptParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_prompt(client, params) end

---List session question requests (`v2.session.question.list`)
---`GET /api/session/{sessionID}/question`
---@param client opencode.Client
---@param params opencode.V2SessionQuestionListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_question_list(client, params) end

---Reject pending question request (`v2.session.question.reject`)
---`POST /api/session/{sessionID}/question/{requestID}/reject`
---@param client opencode.Client
---@param params opencode.V2SessionQuestionRejectParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_question_reject(client, params) end

---Reply to pending question request (`v2.session.question.reply`)
---`POST /api/session/{sessionID}/question/{requestID}/reply`
---@param client opencode.Client
---@param params opencode.V2SessionQuestionReplyParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_question_reply(client, params) end

---Clear staged revert (`v2.session.revert.clear`)
---`POST /api/session/{sessionID}/revert/clear`
---@param client opencode.Client
---@param params opencode.V2SessionRevertClearParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_revert_clear(client, params) end

---Commit staged revert (`v2.session.revert.commit`)
---`POST /api/session/{sessionID}/revert/commit`
---@param client opencode.Client
---@param params opencode.V2SessionRevertCommitParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_revert_commit(client, params) end

---Stage session revert (`v2.session.revert.stage`)
---`POST /api/session/{sessionID}/revert/stage`
---@param client opencode.Client
---@param params opencode.V2SessionRevertStageParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_revert_stage(client, params) end

---Switch session agent (`v2.session.switchAgent`)
---`POST /api/session/{sessionID}/agent`
---@param client opencode.Client
---@param params opencode.V2SessionSwitchAgentParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_switch_agent(client, params) end

---Switch session model (`v2.session.switchModel`)
---`POST /api/session/{sessionID}/model`
---@param client opencode.Client
---@param params opencode.V2SessionSwitchModelParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_switch_model(client, params) end

---Wait for session (`v2.session.wait`)
---`POST /api/session/{sessionID}/wait`; waits for the AI: bounded by `send_timeout`, like `send`
---@param client opencode.Client
---@param params opencode.V2SessionWaitParams
---@return true? ok
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_session_wait(client, params) end

---List skills (`v2.skill.list`)
---`GET /api/skill`
---@param client opencode.Client
---@param params? opencode.V2SkillListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.v2_skill_list(client, params) end

---Apply VCS patch (`vcs.apply`)
---`POST /vcs/apply`
---@param client opencode.Client
---@param params opencode.VcsApplyParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.vcs_apply(client, params) end

---Get VCS diff (`vcs.diff`)
---`GET /vcs/diff`
---@param client opencode.Client
---@param params opencode.VcsDiffParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.vcs_diff(client, params) end

---Get raw VCS diff (`vcs.diff.raw`)
---`GET /vcs/diff/raw`
---@param client opencode.Client
---@param params? opencode.VcsDiffRawParams
---@return string? body
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.vcs_diff_raw(client, params) end

---Get VCS info (`vcs.get`)
---`GET /vcs`
---@param client opencode.Client
---@param params? opencode.VcsGetParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.vcs_get(client, params) end

---Get VCS status (`vcs.status`)
---`GET /vcs/status`
---@param client opencode.Client
---@param params? opencode.VcsStatusParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.vcs_status(client, params) end

---Create worktree (`worktree.create`)
---`POST /experimental/worktree`
---@param client opencode.Client
---@param params? opencode.WorktreeCreateParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.worktree_create(client, params) end

---List worktrees (`worktree.list`)
---`GET /experimental/worktree`
---@param client opencode.Client
---@param params? opencode.WorktreeListParams
---@return table? result the server's JSON answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.worktree_list(client, params) end

---Remove worktree (`worktree.remove`)
---`DELETE /experimental/worktree`
---@param client opencode.Client
---@param params? opencode.WorktreeRemoveParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.worktree_remove(client, params) end

---Reset worktree (`worktree.reset`)
---`POST /experimental/worktree/reset`
---@param client opencode.Client
---@param params? opencode.WorktreeResetParams
---@return boolean? result the server's answer
---@return string? message
---@return opencode.ErrorKind? kind
---@return opencode.Error? err
function opencode.worktree_reset(client, params) end

-- END GENERATED OPERATIONS

return opencode
