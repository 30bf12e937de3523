-- libaihelloworld: the name ComputerCraft scripts knew this library by.
-- Scripts that `require("libaihelloworld")` get the native opencode module,
-- whose function forms (opencode.new_session(client, ...), opencode.send(client,
-- ...), opencode.delete(client, ...)) match the old library's style.
return require("opencode")
