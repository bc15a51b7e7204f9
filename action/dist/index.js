// The SVT GitHub Action, bundled by `npm run build:action`. Do not edit.
import { createRequire as __svtCreateRequire } from 'node:module';
const require = __svtCreateRequire(import.meta.url);
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __require = /* @__PURE__ */ ((x) => typeof require !== "undefined" ? require : typeof Proxy !== "undefined" ? new Proxy(x, {
  get: (a, b) => (typeof require !== "undefined" ? require : a)[b]
}) : x)(function(x) {
  if (typeof require !== "undefined") return require.apply(this, arguments);
  throw Error('Dynamic require of "' + x + '" is not supported');
});
var __commonJS = (cb, mod) => function __require2() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// node_modules/tunnel/lib/tunnel.js
var require_tunnel = __commonJS({
  "node_modules/tunnel/lib/tunnel.js"(exports) {
    "use strict";
    var net = __require("net");
    var tls = __require("tls");
    var http2 = __require("http");
    var https2 = __require("https");
    var events = __require("events");
    var assert = __require("assert");
    var util = __require("util");
    exports.httpOverHttp = httpOverHttp2;
    exports.httpsOverHttp = httpsOverHttp2;
    exports.httpOverHttps = httpOverHttps2;
    exports.httpsOverHttps = httpsOverHttps2;
    function httpOverHttp2(options) {
      var agent = new TunnelingAgent(options);
      agent.request = http2.request;
      return agent;
    }
    function httpsOverHttp2(options) {
      var agent = new TunnelingAgent(options);
      agent.request = http2.request;
      agent.createSocket = createSecureSocket;
      agent.defaultPort = 443;
      return agent;
    }
    function httpOverHttps2(options) {
      var agent = new TunnelingAgent(options);
      agent.request = https2.request;
      return agent;
    }
    function httpsOverHttps2(options) {
      var agent = new TunnelingAgent(options);
      agent.request = https2.request;
      agent.createSocket = createSecureSocket;
      agent.defaultPort = 443;
      return agent;
    }
    function TunnelingAgent(options) {
      var self = this;
      self.options = options || {};
      self.proxyOptions = self.options.proxy || {};
      self.maxSockets = self.options.maxSockets || http2.Agent.defaultMaxSockets;
      self.requests = [];
      self.sockets = [];
      self.on("free", function onFree(socket, host, port, localAddress) {
        var options2 = toOptions(host, port, localAddress);
        for (var i = 0, len = self.requests.length; i < len; ++i) {
          var pending = self.requests[i];
          if (pending.host === options2.host && pending.port === options2.port) {
            self.requests.splice(i, 1);
            pending.request.onSocket(socket);
            return;
          }
        }
        socket.destroy();
        self.removeSocket(socket);
      });
    }
    util.inherits(TunnelingAgent, events.EventEmitter);
    TunnelingAgent.prototype.addRequest = function addRequest(req, host, port, localAddress) {
      var self = this;
      var options = mergeOptions({ request: req }, self.options, toOptions(host, port, localAddress));
      if (self.sockets.length >= this.maxSockets) {
        self.requests.push(options);
        return;
      }
      self.createSocket(options, function(socket) {
        socket.on("free", onFree);
        socket.on("close", onCloseOrRemove);
        socket.on("agentRemove", onCloseOrRemove);
        req.onSocket(socket);
        function onFree() {
          self.emit("free", socket, options);
        }
        function onCloseOrRemove(err) {
          self.removeSocket(socket);
          socket.removeListener("free", onFree);
          socket.removeListener("close", onCloseOrRemove);
          socket.removeListener("agentRemove", onCloseOrRemove);
        }
      });
    };
    TunnelingAgent.prototype.createSocket = function createSocket(options, cb) {
      var self = this;
      var placeholder = {};
      self.sockets.push(placeholder);
      var connectOptions = mergeOptions({}, self.proxyOptions, {
        method: "CONNECT",
        path: options.host + ":" + options.port,
        agent: false,
        headers: {
          host: options.host + ":" + options.port
        }
      });
      if (options.localAddress) {
        connectOptions.localAddress = options.localAddress;
      }
      if (connectOptions.proxyAuth) {
        connectOptions.headers = connectOptions.headers || {};
        connectOptions.headers["Proxy-Authorization"] = "Basic " + Buffer.from(connectOptions.proxyAuth).toString("base64");
      }
      debug2("making CONNECT request");
      var connectReq = self.request(connectOptions);
      connectReq.useChunkedEncodingByDefault = false;
      connectReq.once("response", onResponse);
      connectReq.once("upgrade", onUpgrade);
      connectReq.once("connect", onConnect);
      connectReq.once("error", onError);
      connectReq.end();
      function onResponse(res) {
        res.upgrade = true;
      }
      function onUpgrade(res, socket, head) {
        process.nextTick(function() {
          onConnect(res, socket, head);
        });
      }
      function onConnect(res, socket, head) {
        connectReq.removeAllListeners();
        socket.removeAllListeners();
        if (res.statusCode !== 200) {
          debug2(
            "tunneling socket could not be established, statusCode=%d",
            res.statusCode
          );
          socket.destroy();
          var error2 = new Error("tunneling socket could not be established, statusCode=" + res.statusCode);
          error2.code = "ECONNRESET";
          options.request.emit("error", error2);
          self.removeSocket(placeholder);
          return;
        }
        if (head.length > 0) {
          debug2("got illegal response body from proxy");
          socket.destroy();
          var error2 = new Error("got illegal response body from proxy");
          error2.code = "ECONNRESET";
          options.request.emit("error", error2);
          self.removeSocket(placeholder);
          return;
        }
        debug2("tunneling connection has established");
        self.sockets[self.sockets.indexOf(placeholder)] = socket;
        return cb(socket);
      }
      function onError(cause) {
        connectReq.removeAllListeners();
        debug2(
          "tunneling socket could not be established, cause=%s\n",
          cause.message,
          cause.stack
        );
        var error2 = new Error("tunneling socket could not be established, cause=" + cause.message);
        error2.code = "ECONNRESET";
        options.request.emit("error", error2);
        self.removeSocket(placeholder);
      }
    };
    TunnelingAgent.prototype.removeSocket = function removeSocket(socket) {
      var pos = this.sockets.indexOf(socket);
      if (pos === -1) {
        return;
      }
      this.sockets.splice(pos, 1);
      var pending = this.requests.shift();
      if (pending) {
        this.createSocket(pending, function(socket2) {
          pending.request.onSocket(socket2);
        });
      }
    };
    function createSecureSocket(options, cb) {
      var self = this;
      TunnelingAgent.prototype.createSocket.call(self, options, function(socket) {
        var hostHeader = options.request.getHeader("host");
        var tlsOptions = mergeOptions({}, self.options, {
          socket,
          servername: hostHeader ? hostHeader.replace(/:.*$/, "") : options.host
        });
        var secureSocket = tls.connect(0, tlsOptions);
        self.sockets[self.sockets.indexOf(socket)] = secureSocket;
        cb(secureSocket);
      });
    }
    function toOptions(host, port, localAddress) {
      if (typeof host === "string") {
        return {
          host,
          port,
          localAddress
        };
      }
      return host;
    }
    function mergeOptions(target) {
      for (var i = 1, len = arguments.length; i < len; ++i) {
        var overrides = arguments[i];
        if (typeof overrides === "object") {
          var keys = Object.keys(overrides);
          for (var j = 0, keyLen = keys.length; j < keyLen; ++j) {
            var k = keys[j];
            if (overrides[k] !== void 0) {
              target[k] = overrides[k];
            }
          }
        }
      }
      return target;
    }
    var debug2;
    if (process.env.NODE_DEBUG && /\btunnel\b/.test(process.env.NODE_DEBUG)) {
      debug2 = function() {
        var args = Array.prototype.slice.call(arguments);
        if (typeof args[0] === "string") {
          args[0] = "TUNNEL: " + args[0];
        } else {
          args.unshift("TUNNEL:");
        }
        console.error.apply(console, args);
      };
    } else {
      debug2 = function() {
      };
    }
    exports.debug = debug2;
  }
});

// node_modules/tunnel/index.js
var require_tunnel2 = __commonJS({
  "node_modules/tunnel/index.js"(exports, module) {
    module.exports = require_tunnel();
  }
});

// node_modules/@actions/core/lib/command.js
import * as os from "os";

// node_modules/@actions/core/lib/utils.js
function toCommandValue(input) {
  if (input === null || input === void 0) {
    return "";
  } else if (typeof input === "string" || input instanceof String) {
    return input;
  }
  return JSON.stringify(input);
}
function toCommandProperties(annotationProperties) {
  if (!Object.keys(annotationProperties).length) {
    return {};
  }
  return {
    title: annotationProperties.title,
    file: annotationProperties.file,
    line: annotationProperties.startLine,
    endLine: annotationProperties.endLine,
    col: annotationProperties.startColumn,
    endColumn: annotationProperties.endColumn
  };
}

// node_modules/@actions/core/lib/command.js
function issueCommand(command, properties, message) {
  const cmd = new Command(command, properties, message);
  process.stdout.write(cmd.toString() + os.EOL);
}
var CMD_STRING = "::";
var Command = class {
  constructor(command, properties, message) {
    if (!command) {
      command = "missing.command";
    }
    this.command = command;
    this.properties = properties;
    this.message = message;
  }
  toString() {
    let cmdStr = CMD_STRING + this.command;
    if (this.properties && Object.keys(this.properties).length > 0) {
      cmdStr += " ";
      let first = true;
      for (const key in this.properties) {
        if (this.properties.hasOwnProperty(key)) {
          const val = this.properties[key];
          if (val) {
            if (first) {
              first = false;
            } else {
              cmdStr += ",";
            }
            cmdStr += `${key}=${escapeProperty(val)}`;
          }
        }
      }
    }
    cmdStr += `${CMD_STRING}${escapeData(this.message)}`;
    return cmdStr;
  }
};
function escapeData(s) {
  return toCommandValue(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function escapeProperty(s) {
  return toCommandValue(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/:/g, "%3A").replace(/,/g, "%2C");
}

// node_modules/@actions/core/lib/file-command.js
import * as crypto from "crypto";
import * as fs from "fs";
import * as os2 from "os";
function issueFileCommand(command, message) {
  const filePath = process.env[`GITHUB_${command}`];
  if (!filePath) {
    throw new Error(`Unable to find environment variable for file command ${command}`);
  }
  if (!fs.existsSync(filePath)) {
    throw new Error(`Missing file at path: ${filePath}`);
  }
  fs.appendFileSync(filePath, `${toCommandValue(message)}${os2.EOL}`, {
    encoding: "utf8"
  });
}
function prepareKeyValueMessage(key, value) {
  const delimiter = `ghadelimiter_${crypto.randomUUID()}`;
  const convertedValue = toCommandValue(value);
  if (key.includes(delimiter)) {
    throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
  }
  if (convertedValue.includes(delimiter)) {
    throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
  }
  return `${key}<<${delimiter}${os2.EOL}${convertedValue}${os2.EOL}${delimiter}`;
}

// node_modules/@actions/core/lib/core.js
import * as os4 from "os";

// node_modules/@actions/http-client/lib/index.js
import * as http from "http";
import * as https from "https";

// node_modules/@actions/http-client/lib/proxy.js
function getProxyUrl(reqUrl) {
  const usingSsl = reqUrl.protocol === "https:";
  if (checkBypass(reqUrl)) {
    return void 0;
  }
  const proxyVar = (() => {
    if (usingSsl) {
      return process.env["https_proxy"] || process.env["HTTPS_PROXY"];
    } else {
      return process.env["http_proxy"] || process.env["HTTP_PROXY"];
    }
  })();
  if (proxyVar) {
    try {
      return new DecodedURL(proxyVar);
    } catch (_a) {
      if (!proxyVar.startsWith("http://") && !proxyVar.startsWith("https://"))
        return new DecodedURL(`http://${proxyVar}`);
    }
  } else {
    return void 0;
  }
}
function checkBypass(reqUrl) {
  if (!reqUrl.hostname) {
    return false;
  }
  const reqHost = reqUrl.hostname;
  if (isLoopbackAddress(reqHost)) {
    return true;
  }
  const noProxy = process.env["no_proxy"] || process.env["NO_PROXY"] || "";
  if (!noProxy) {
    return false;
  }
  let reqPort;
  if (reqUrl.port) {
    reqPort = Number(reqUrl.port);
  } else if (reqUrl.protocol === "http:") {
    reqPort = 80;
  } else if (reqUrl.protocol === "https:") {
    reqPort = 443;
  }
  const upperReqHosts = [reqUrl.hostname.toUpperCase()];
  if (typeof reqPort === "number") {
    upperReqHosts.push(`${upperReqHosts[0]}:${reqPort}`);
  }
  for (const upperNoProxyItem of noProxy.split(",").map((x) => x.trim().toUpperCase()).filter((x) => x)) {
    if (upperNoProxyItem === "*" || upperReqHosts.some((x) => x === upperNoProxyItem || x.endsWith(`.${upperNoProxyItem}`) || upperNoProxyItem.startsWith(".") && x.endsWith(`${upperNoProxyItem}`))) {
      return true;
    }
  }
  return false;
}
function isLoopbackAddress(host) {
  const hostLower = host.toLowerCase();
  return hostLower === "localhost" || hostLower.startsWith("127.") || hostLower.startsWith("[::1]") || hostLower.startsWith("[0:0:0:0:0:0:0:1]");
}
var DecodedURL = class extends URL {
  constructor(url, base) {
    super(url, base);
    this._decodedUsername = decodeURIComponent(super.username);
    this._decodedPassword = decodeURIComponent(super.password);
  }
  get username() {
    return this._decodedUsername;
  }
  get password() {
    return this._decodedPassword;
  }
};

// node_modules/@actions/http-client/lib/index.js
var tunnel = __toESM(require_tunnel2(), 1);

// undici-stub:undici
var ProxyAgent = class {
  constructor() {
    throw new Error("undici is not bundled: SVT does not use getAgentDispatcher()");
  }
};

// node_modules/@actions/http-client/lib/index.js
var __awaiter = function(thisArg, _arguments, P, generator) {
  function adopt(value) {
    return value instanceof P ? value : new P(function(resolve) {
      resolve(value);
    });
  }
  return new (P || (P = Promise))(function(resolve, reject) {
    function fulfilled(value) {
      try {
        step(generator.next(value));
      } catch (e) {
        reject(e);
      }
    }
    function rejected(value) {
      try {
        step(generator["throw"](value));
      } catch (e) {
        reject(e);
      }
    }
    function step(result) {
      result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected);
    }
    step((generator = generator.apply(thisArg, _arguments || [])).next());
  });
};
var HttpCodes;
(function(HttpCodes2) {
  HttpCodes2[HttpCodes2["OK"] = 200] = "OK";
  HttpCodes2[HttpCodes2["MultipleChoices"] = 300] = "MultipleChoices";
  HttpCodes2[HttpCodes2["MovedPermanently"] = 301] = "MovedPermanently";
  HttpCodes2[HttpCodes2["ResourceMoved"] = 302] = "ResourceMoved";
  HttpCodes2[HttpCodes2["SeeOther"] = 303] = "SeeOther";
  HttpCodes2[HttpCodes2["NotModified"] = 304] = "NotModified";
  HttpCodes2[HttpCodes2["UseProxy"] = 305] = "UseProxy";
  HttpCodes2[HttpCodes2["SwitchProxy"] = 306] = "SwitchProxy";
  HttpCodes2[HttpCodes2["TemporaryRedirect"] = 307] = "TemporaryRedirect";
  HttpCodes2[HttpCodes2["PermanentRedirect"] = 308] = "PermanentRedirect";
  HttpCodes2[HttpCodes2["BadRequest"] = 400] = "BadRequest";
  HttpCodes2[HttpCodes2["Unauthorized"] = 401] = "Unauthorized";
  HttpCodes2[HttpCodes2["PaymentRequired"] = 402] = "PaymentRequired";
  HttpCodes2[HttpCodes2["Forbidden"] = 403] = "Forbidden";
  HttpCodes2[HttpCodes2["NotFound"] = 404] = "NotFound";
  HttpCodes2[HttpCodes2["MethodNotAllowed"] = 405] = "MethodNotAllowed";
  HttpCodes2[HttpCodes2["NotAcceptable"] = 406] = "NotAcceptable";
  HttpCodes2[HttpCodes2["ProxyAuthenticationRequired"] = 407] = "ProxyAuthenticationRequired";
  HttpCodes2[HttpCodes2["RequestTimeout"] = 408] = "RequestTimeout";
  HttpCodes2[HttpCodes2["Conflict"] = 409] = "Conflict";
  HttpCodes2[HttpCodes2["Gone"] = 410] = "Gone";
  HttpCodes2[HttpCodes2["TooManyRequests"] = 429] = "TooManyRequests";
  HttpCodes2[HttpCodes2["InternalServerError"] = 500] = "InternalServerError";
  HttpCodes2[HttpCodes2["NotImplemented"] = 501] = "NotImplemented";
  HttpCodes2[HttpCodes2["BadGateway"] = 502] = "BadGateway";
  HttpCodes2[HttpCodes2["ServiceUnavailable"] = 503] = "ServiceUnavailable";
  HttpCodes2[HttpCodes2["GatewayTimeout"] = 504] = "GatewayTimeout";
})(HttpCodes || (HttpCodes = {}));
var Headers;
(function(Headers2) {
  Headers2["Accept"] = "accept";
  Headers2["ContentType"] = "content-type";
})(Headers || (Headers = {}));
var MediaTypes;
(function(MediaTypes2) {
  MediaTypes2["ApplicationJson"] = "application/json";
})(MediaTypes || (MediaTypes = {}));
var HttpRedirectCodes = [
  HttpCodes.MovedPermanently,
  HttpCodes.ResourceMoved,
  HttpCodes.SeeOther,
  HttpCodes.TemporaryRedirect,
  HttpCodes.PermanentRedirect
];
var HttpResponseRetryCodes = [
  HttpCodes.BadGateway,
  HttpCodes.ServiceUnavailable,
  HttpCodes.GatewayTimeout
];
var RetryableHttpVerbs = ["OPTIONS", "GET", "DELETE", "HEAD"];
var ExponentialBackoffCeiling = 10;
var ExponentialBackoffTimeSlice = 5;
var HttpClientError = class _HttpClientError extends Error {
  constructor(message, statusCode) {
    super(message);
    this.name = "HttpClientError";
    this.statusCode = statusCode;
    Object.setPrototypeOf(this, _HttpClientError.prototype);
  }
};
var HttpClientResponse = class {
  constructor(message) {
    this.message = message;
  }
  readBody() {
    return __awaiter(this, void 0, void 0, function* () {
      return new Promise((resolve) => __awaiter(this, void 0, void 0, function* () {
        let output = Buffer.alloc(0);
        this.message.on("data", (chunk) => {
          output = Buffer.concat([output, chunk]);
        });
        this.message.on("end", () => {
          resolve(output.toString());
        });
      }));
    });
  }
  readBodyBuffer() {
    return __awaiter(this, void 0, void 0, function* () {
      return new Promise((resolve) => __awaiter(this, void 0, void 0, function* () {
        const chunks = [];
        this.message.on("data", (chunk) => {
          chunks.push(chunk);
        });
        this.message.on("end", () => {
          resolve(Buffer.concat(chunks));
        });
      }));
    });
  }
};
var HttpClient = class {
  constructor(userAgent, handlers, requestOptions) {
    this._ignoreSslError = false;
    this._allowRedirects = true;
    this._allowRedirectDowngrade = false;
    this._maxRedirects = 50;
    this._allowRetries = false;
    this._maxRetries = 1;
    this._keepAlive = false;
    this._disposed = false;
    this.userAgent = this._getUserAgentWithOrchestrationId(userAgent);
    this.handlers = handlers || [];
    this.requestOptions = requestOptions;
    if (requestOptions) {
      if (requestOptions.ignoreSslError != null) {
        this._ignoreSslError = requestOptions.ignoreSslError;
      }
      this._socketTimeout = requestOptions.socketTimeout;
      if (requestOptions.allowRedirects != null) {
        this._allowRedirects = requestOptions.allowRedirects;
      }
      if (requestOptions.allowRedirectDowngrade != null) {
        this._allowRedirectDowngrade = requestOptions.allowRedirectDowngrade;
      }
      if (requestOptions.maxRedirects != null) {
        this._maxRedirects = Math.max(requestOptions.maxRedirects, 0);
      }
      if (requestOptions.keepAlive != null) {
        this._keepAlive = requestOptions.keepAlive;
      }
      if (requestOptions.allowRetries != null) {
        this._allowRetries = requestOptions.allowRetries;
      }
      if (requestOptions.maxRetries != null) {
        this._maxRetries = requestOptions.maxRetries;
      }
    }
  }
  options(requestUrl, additionalHeaders) {
    return __awaiter(this, void 0, void 0, function* () {
      return this.request("OPTIONS", requestUrl, null, additionalHeaders || {});
    });
  }
  get(requestUrl, additionalHeaders) {
    return __awaiter(this, void 0, void 0, function* () {
      return this.request("GET", requestUrl, null, additionalHeaders || {});
    });
  }
  del(requestUrl, additionalHeaders) {
    return __awaiter(this, void 0, void 0, function* () {
      return this.request("DELETE", requestUrl, null, additionalHeaders || {});
    });
  }
  post(requestUrl, data, additionalHeaders) {
    return __awaiter(this, void 0, void 0, function* () {
      return this.request("POST", requestUrl, data, additionalHeaders || {});
    });
  }
  patch(requestUrl, data, additionalHeaders) {
    return __awaiter(this, void 0, void 0, function* () {
      return this.request("PATCH", requestUrl, data, additionalHeaders || {});
    });
  }
  put(requestUrl, data, additionalHeaders) {
    return __awaiter(this, void 0, void 0, function* () {
      return this.request("PUT", requestUrl, data, additionalHeaders || {});
    });
  }
  head(requestUrl, additionalHeaders) {
    return __awaiter(this, void 0, void 0, function* () {
      return this.request("HEAD", requestUrl, null, additionalHeaders || {});
    });
  }
  sendStream(verb, requestUrl, stream, additionalHeaders) {
    return __awaiter(this, void 0, void 0, function* () {
      return this.request(verb, requestUrl, stream, additionalHeaders);
    });
  }
  /**
   * Gets a typed object from an endpoint
   * Be aware that not found returns a null.  Other errors (4xx, 5xx) reject the promise
   */
  getJson(requestUrl_1) {
    return __awaiter(this, arguments, void 0, function* (requestUrl, additionalHeaders = {}) {
      additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
      const res = yield this.get(requestUrl, additionalHeaders);
      return this._processResponse(res, this.requestOptions);
    });
  }
  postJson(requestUrl_1, obj_1) {
    return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
      const data = JSON.stringify(obj, null, 2);
      additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
      additionalHeaders[Headers.ContentType] = this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
      const res = yield this.post(requestUrl, data, additionalHeaders);
      return this._processResponse(res, this.requestOptions);
    });
  }
  putJson(requestUrl_1, obj_1) {
    return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
      const data = JSON.stringify(obj, null, 2);
      additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
      additionalHeaders[Headers.ContentType] = this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
      const res = yield this.put(requestUrl, data, additionalHeaders);
      return this._processResponse(res, this.requestOptions);
    });
  }
  patchJson(requestUrl_1, obj_1) {
    return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
      const data = JSON.stringify(obj, null, 2);
      additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
      additionalHeaders[Headers.ContentType] = this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
      const res = yield this.patch(requestUrl, data, additionalHeaders);
      return this._processResponse(res, this.requestOptions);
    });
  }
  /**
   * Makes a raw http request.
   * All other methods such as get, post, patch, and request ultimately call this.
   * Prefer get, del, post and patch
   */
  request(verb, requestUrl, data, headers) {
    return __awaiter(this, void 0, void 0, function* () {
      if (this._disposed) {
        throw new Error("Client has already been disposed.");
      }
      const parsedUrl = new URL(requestUrl);
      let info2 = this._prepareRequest(verb, parsedUrl, headers);
      const maxTries = this._allowRetries && RetryableHttpVerbs.includes(verb) ? this._maxRetries + 1 : 1;
      let numTries = 0;
      let response;
      do {
        response = yield this.requestRaw(info2, data);
        if (response && response.message && response.message.statusCode === HttpCodes.Unauthorized) {
          let authenticationHandler;
          for (const handler of this.handlers) {
            if (handler.canHandleAuthentication(response)) {
              authenticationHandler = handler;
              break;
            }
          }
          if (authenticationHandler) {
            return authenticationHandler.handleAuthentication(this, info2, data);
          } else {
            return response;
          }
        }
        let redirectsRemaining = this._maxRedirects;
        while (response.message.statusCode && HttpRedirectCodes.includes(response.message.statusCode) && this._allowRedirects && redirectsRemaining > 0) {
          const redirectUrl = response.message.headers["location"];
          if (!redirectUrl) {
            break;
          }
          const parsedRedirectUrl = new URL(redirectUrl);
          if (parsedUrl.protocol === "https:" && parsedUrl.protocol !== parsedRedirectUrl.protocol && !this._allowRedirectDowngrade) {
            throw new Error("Redirect from HTTPS to HTTP protocol. This downgrade is not allowed for security reasons. If you want to allow this behavior, set the allowRedirectDowngrade option to true.");
          }
          yield response.readBody();
          if (parsedRedirectUrl.hostname !== parsedUrl.hostname) {
            for (const header2 in headers) {
              if (header2.toLowerCase() === "authorization") {
                delete headers[header2];
              }
            }
          }
          info2 = this._prepareRequest(verb, parsedRedirectUrl, headers);
          response = yield this.requestRaw(info2, data);
          redirectsRemaining--;
        }
        if (!response.message.statusCode || !HttpResponseRetryCodes.includes(response.message.statusCode)) {
          return response;
        }
        numTries += 1;
        if (numTries < maxTries) {
          yield response.readBody();
          yield this._performExponentialBackoff(numTries);
        }
      } while (numTries < maxTries);
      return response;
    });
  }
  /**
   * Needs to be called if keepAlive is set to true in request options.
   */
  dispose() {
    if (this._agent) {
      this._agent.destroy();
    }
    this._disposed = true;
  }
  /**
   * Raw request.
   * @param info
   * @param data
   */
  requestRaw(info2, data) {
    return __awaiter(this, void 0, void 0, function* () {
      return new Promise((resolve, reject) => {
        function callbackForResult(err, res) {
          if (err) {
            reject(err);
          } else if (!res) {
            reject(new Error("Unknown error"));
          } else {
            resolve(res);
          }
        }
        this.requestRawWithCallback(info2, data, callbackForResult);
      });
    });
  }
  /**
   * Raw request with callback.
   * @param info
   * @param data
   * @param onResult
   */
  requestRawWithCallback(info2, data, onResult) {
    if (typeof data === "string") {
      if (!info2.options.headers) {
        info2.options.headers = {};
      }
      info2.options.headers["Content-Length"] = Buffer.byteLength(data, "utf8");
    }
    let callbackCalled = false;
    function handleResult(err, res) {
      if (!callbackCalled) {
        callbackCalled = true;
        onResult(err, res);
      }
    }
    const req = info2.httpModule.request(info2.options, (msg) => {
      const res = new HttpClientResponse(msg);
      handleResult(void 0, res);
    });
    let socket;
    req.on("socket", (sock) => {
      socket = sock;
    });
    req.setTimeout(this._socketTimeout || 3 * 6e4, () => {
      if (socket) {
        socket.end();
      }
      handleResult(new Error(`Request timeout: ${info2.options.path}`));
    });
    req.on("error", function(err) {
      handleResult(err);
    });
    if (data && typeof data === "string") {
      req.write(data, "utf8");
    }
    if (data && typeof data !== "string") {
      data.on("close", function() {
        req.end();
      });
      data.pipe(req);
    } else {
      req.end();
    }
  }
  /**
   * Gets an http agent. This function is useful when you need an http agent that handles
   * routing through a proxy server - depending upon the url and proxy environment variables.
   * @param serverUrl  The server URL where the request will be sent. For example, https://api.github.com
   */
  getAgent(serverUrl) {
    const parsedUrl = new URL(serverUrl);
    return this._getAgent(parsedUrl);
  }
  getAgentDispatcher(serverUrl) {
    const parsedUrl = new URL(serverUrl);
    const proxyUrl = getProxyUrl(parsedUrl);
    const useProxy = proxyUrl && proxyUrl.hostname;
    if (!useProxy) {
      return;
    }
    return this._getProxyAgentDispatcher(parsedUrl, proxyUrl);
  }
  _prepareRequest(method, requestUrl, headers) {
    const info2 = {};
    info2.parsedUrl = requestUrl;
    const usingSsl = info2.parsedUrl.protocol === "https:";
    info2.httpModule = usingSsl ? https : http;
    const defaultPort = usingSsl ? 443 : 80;
    info2.options = {};
    info2.options.host = info2.parsedUrl.hostname;
    info2.options.port = info2.parsedUrl.port ? parseInt(info2.parsedUrl.port) : defaultPort;
    info2.options.path = (info2.parsedUrl.pathname || "") + (info2.parsedUrl.search || "");
    info2.options.method = method;
    info2.options.headers = this._mergeHeaders(headers);
    if (this.userAgent != null) {
      info2.options.headers["user-agent"] = this.userAgent;
    }
    info2.options.agent = this._getAgent(info2.parsedUrl);
    if (this.handlers) {
      for (const handler of this.handlers) {
        handler.prepareRequest(info2.options);
      }
    }
    return info2;
  }
  _mergeHeaders(headers) {
    if (this.requestOptions && this.requestOptions.headers) {
      return Object.assign({}, lowercaseKeys(this.requestOptions.headers), lowercaseKeys(headers || {}));
    }
    return lowercaseKeys(headers || {});
  }
  /**
   * Gets an existing header value or returns a default.
   * Handles converting number header values to strings since HTTP headers must be strings.
   * Note: This returns string | string[] since some headers can have multiple values.
   * For headers that must always be a single string (like Content-Type), use the
   * specialized _getExistingOrDefaultContentTypeHeader method instead.
   */
  _getExistingOrDefaultHeader(additionalHeaders, header2, _default) {
    let clientHeader;
    if (this.requestOptions && this.requestOptions.headers) {
      const headerValue = lowercaseKeys(this.requestOptions.headers)[header2];
      if (headerValue) {
        clientHeader = typeof headerValue === "number" ? headerValue.toString() : headerValue;
      }
    }
    const additionalValue = additionalHeaders[header2];
    if (additionalValue !== void 0) {
      return typeof additionalValue === "number" ? additionalValue.toString() : additionalValue;
    }
    if (clientHeader !== void 0) {
      return clientHeader;
    }
    return _default;
  }
  /**
   * Specialized version of _getExistingOrDefaultHeader for Content-Type header.
   * Always returns a single string (not an array) since Content-Type should be a single value.
   * Converts arrays to comma-separated strings and numbers to strings to ensure type safety.
   * This was split from _getExistingOrDefaultHeader to provide stricter typing for callers
   * that assign the result to places expecting a string (e.g., additionalHeaders[Headers.ContentType]).
   */
  _getExistingOrDefaultContentTypeHeader(additionalHeaders, _default) {
    let clientHeader;
    if (this.requestOptions && this.requestOptions.headers) {
      const headerValue = lowercaseKeys(this.requestOptions.headers)[Headers.ContentType];
      if (headerValue) {
        if (typeof headerValue === "number") {
          clientHeader = String(headerValue);
        } else if (Array.isArray(headerValue)) {
          clientHeader = headerValue.join(", ");
        } else {
          clientHeader = headerValue;
        }
      }
    }
    const additionalValue = additionalHeaders[Headers.ContentType];
    if (additionalValue !== void 0) {
      if (typeof additionalValue === "number") {
        return String(additionalValue);
      } else if (Array.isArray(additionalValue)) {
        return additionalValue.join(", ");
      } else {
        return additionalValue;
      }
    }
    if (clientHeader !== void 0) {
      return clientHeader;
    }
    return _default;
  }
  _getAgent(parsedUrl) {
    let agent;
    const proxyUrl = getProxyUrl(parsedUrl);
    const useProxy = proxyUrl && proxyUrl.hostname;
    if (this._keepAlive && useProxy) {
      agent = this._proxyAgent;
    }
    if (!useProxy) {
      agent = this._agent;
    }
    if (agent) {
      return agent;
    }
    const usingSsl = parsedUrl.protocol === "https:";
    let maxSockets = 100;
    if (this.requestOptions) {
      maxSockets = this.requestOptions.maxSockets || http.globalAgent.maxSockets;
    }
    if (proxyUrl && proxyUrl.hostname) {
      const agentOptions = {
        maxSockets,
        keepAlive: this._keepAlive,
        proxy: Object.assign(Object.assign({}, (proxyUrl.username || proxyUrl.password) && {
          proxyAuth: `${proxyUrl.username}:${proxyUrl.password}`
        }), { host: proxyUrl.hostname, port: proxyUrl.port })
      };
      let tunnelAgent;
      const overHttps = proxyUrl.protocol === "https:";
      if (usingSsl) {
        tunnelAgent = overHttps ? tunnel.httpsOverHttps : tunnel.httpsOverHttp;
      } else {
        tunnelAgent = overHttps ? tunnel.httpOverHttps : tunnel.httpOverHttp;
      }
      agent = tunnelAgent(agentOptions);
      this._proxyAgent = agent;
    }
    if (!agent) {
      const options = { keepAlive: this._keepAlive, maxSockets };
      agent = usingSsl ? new https.Agent(options) : new http.Agent(options);
      this._agent = agent;
    }
    if (usingSsl && this._ignoreSslError) {
      agent.options = Object.assign(agent.options || {}, {
        rejectUnauthorized: false
      });
    }
    return agent;
  }
  _getProxyAgentDispatcher(parsedUrl, proxyUrl) {
    let proxyAgent;
    if (this._keepAlive) {
      proxyAgent = this._proxyAgentDispatcher;
    }
    if (proxyAgent) {
      return proxyAgent;
    }
    const usingSsl = parsedUrl.protocol === "https:";
    proxyAgent = new ProxyAgent(Object.assign({ uri: proxyUrl.href, pipelining: !this._keepAlive ? 0 : 1 }, (proxyUrl.username || proxyUrl.password) && {
      token: `Basic ${Buffer.from(`${proxyUrl.username}:${proxyUrl.password}`).toString("base64")}`
    }));
    this._proxyAgentDispatcher = proxyAgent;
    if (usingSsl && this._ignoreSslError) {
      proxyAgent.options = Object.assign(proxyAgent.options.requestTls || {}, {
        rejectUnauthorized: false
      });
    }
    return proxyAgent;
  }
  _getUserAgentWithOrchestrationId(userAgent) {
    const baseUserAgent = userAgent || "actions/http-client";
    const orchId = process.env["ACTIONS_ORCHESTRATION_ID"];
    if (orchId) {
      const sanitizedId = orchId.replace(/[^a-z0-9_.-]/gi, "_");
      return `${baseUserAgent} actions_orchestration_id/${sanitizedId}`;
    }
    return baseUserAgent;
  }
  _performExponentialBackoff(retryNumber) {
    return __awaiter(this, void 0, void 0, function* () {
      retryNumber = Math.min(ExponentialBackoffCeiling, retryNumber);
      const ms = ExponentialBackoffTimeSlice * Math.pow(2, retryNumber);
      return new Promise((resolve) => setTimeout(() => resolve(), ms));
    });
  }
  _processResponse(res, options) {
    return __awaiter(this, void 0, void 0, function* () {
      return new Promise((resolve, reject) => __awaiter(this, void 0, void 0, function* () {
        const statusCode = res.message.statusCode || 0;
        const response = {
          statusCode,
          result: null,
          headers: {}
        };
        if (statusCode === HttpCodes.NotFound) {
          resolve(response);
        }
        function dateTimeDeserializer(key, value) {
          if (typeof value === "string") {
            const a = new Date(value);
            if (!isNaN(a.valueOf())) {
              return a;
            }
          }
          return value;
        }
        let obj;
        let contents;
        try {
          contents = yield res.readBody();
          if (contents && contents.length > 0) {
            if (options && options.deserializeDates) {
              obj = JSON.parse(contents, dateTimeDeserializer);
            } else {
              obj = JSON.parse(contents);
            }
            response.result = obj;
          }
          response.headers = res.message.headers;
        } catch (err) {
        }
        if (statusCode > 299) {
          let msg;
          if (obj && obj.message) {
            msg = obj.message;
          } else if (contents && contents.length > 0) {
            msg = contents;
          } else {
            msg = `Failed request: (${statusCode})`;
          }
          const err = new HttpClientError(msg, statusCode);
          err.result = response.result;
          reject(err);
        } else {
          resolve(response);
        }
      }));
    });
  }
};
var lowercaseKeys = (obj) => Object.keys(obj).reduce((c, k) => (c[k.toLowerCase()] = obj[k], c), {});

// node_modules/@actions/core/lib/summary.js
import { EOL as EOL3 } from "os";
import { constants, promises } from "fs";
var __awaiter2 = function(thisArg, _arguments, P, generator) {
  function adopt(value) {
    return value instanceof P ? value : new P(function(resolve) {
      resolve(value);
    });
  }
  return new (P || (P = Promise))(function(resolve, reject) {
    function fulfilled(value) {
      try {
        step(generator.next(value));
      } catch (e) {
        reject(e);
      }
    }
    function rejected(value) {
      try {
        step(generator["throw"](value));
      } catch (e) {
        reject(e);
      }
    }
    function step(result) {
      result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected);
    }
    step((generator = generator.apply(thisArg, _arguments || [])).next());
  });
};
var { access, appendFile, writeFile } = promises;
var SUMMARY_ENV_VAR = "GITHUB_STEP_SUMMARY";
var Summary = class {
  constructor() {
    this._buffer = "";
  }
  /**
   * Finds the summary file path from the environment, rejects if env var is not found or file does not exist
   * Also checks r/w permissions.
   *
   * @returns step summary file path
   */
  filePath() {
    return __awaiter2(this, void 0, void 0, function* () {
      if (this._filePath) {
        return this._filePath;
      }
      const pathFromEnv = process.env[SUMMARY_ENV_VAR];
      if (!pathFromEnv) {
        throw new Error(`Unable to find environment variable for $${SUMMARY_ENV_VAR}. Check if your runtime environment supports job summaries.`);
      }
      try {
        yield access(pathFromEnv, constants.R_OK | constants.W_OK);
      } catch (_a) {
        throw new Error(`Unable to access summary file: '${pathFromEnv}'. Check if the file has correct read/write permissions.`);
      }
      this._filePath = pathFromEnv;
      return this._filePath;
    });
  }
  /**
   * Wraps content in an HTML tag, adding any HTML attributes
   *
   * @param {string} tag HTML tag to wrap
   * @param {string | null} content content within the tag
   * @param {[attribute: string]: string} attrs key-value list of HTML attributes to add
   *
   * @returns {string} content wrapped in HTML element
   */
  wrap(tag, content, attrs = {}) {
    const htmlAttrs = Object.entries(attrs).map(([key, value]) => ` ${key}="${value}"`).join("");
    if (!content) {
      return `<${tag}${htmlAttrs}>`;
    }
    return `<${tag}${htmlAttrs}>${content}</${tag}>`;
  }
  /**
   * Writes text in the buffer to the summary buffer file and empties buffer. Will append by default.
   *
   * @param {SummaryWriteOptions} [options] (optional) options for write operation
   *
   * @returns {Promise<Summary>} summary instance
   */
  write(options) {
    return __awaiter2(this, void 0, void 0, function* () {
      const overwrite = !!(options === null || options === void 0 ? void 0 : options.overwrite);
      const filePath = yield this.filePath();
      const writeFunc = overwrite ? writeFile : appendFile;
      yield writeFunc(filePath, this._buffer, { encoding: "utf8" });
      return this.emptyBuffer();
    });
  }
  /**
   * Clears the summary buffer and wipes the summary file
   *
   * @returns {Summary} summary instance
   */
  clear() {
    return __awaiter2(this, void 0, void 0, function* () {
      return this.emptyBuffer().write({ overwrite: true });
    });
  }
  /**
   * Returns the current summary buffer as a string
   *
   * @returns {string} string of summary buffer
   */
  stringify() {
    return this._buffer;
  }
  /**
   * If the summary buffer is empty
   *
   * @returns {boolen} true if the buffer is empty
   */
  isEmptyBuffer() {
    return this._buffer.length === 0;
  }
  /**
   * Resets the summary buffer without writing to summary file
   *
   * @returns {Summary} summary instance
   */
  emptyBuffer() {
    this._buffer = "";
    return this;
  }
  /**
   * Adds raw text to the summary buffer
   *
   * @param {string} text content to add
   * @param {boolean} [addEOL=false] (optional) append an EOL to the raw text (default: false)
   *
   * @returns {Summary} summary instance
   */
  addRaw(text2, addEOL = false) {
    this._buffer += text2;
    return addEOL ? this.addEOL() : this;
  }
  /**
   * Adds the operating system-specific end-of-line marker to the buffer
   *
   * @returns {Summary} summary instance
   */
  addEOL() {
    return this.addRaw(EOL3);
  }
  /**
   * Adds an HTML codeblock to the summary buffer
   *
   * @param {string} code content to render within fenced code block
   * @param {string} lang (optional) language to syntax highlight code
   *
   * @returns {Summary} summary instance
   */
  addCodeBlock(code, lang) {
    const attrs = Object.assign({}, lang && { lang });
    const element = this.wrap("pre", this.wrap("code", code), attrs);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML list to the summary buffer
   *
   * @param {string[]} items list of items to render
   * @param {boolean} [ordered=false] (optional) if the rendered list should be ordered or not (default: false)
   *
   * @returns {Summary} summary instance
   */
  addList(items, ordered = false) {
    const tag = ordered ? "ol" : "ul";
    const listItems = items.map((item) => this.wrap("li", item)).join("");
    const element = this.wrap(tag, listItems);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML table to the summary buffer
   *
   * @param {SummaryTableCell[]} rows table rows
   *
   * @returns {Summary} summary instance
   */
  addTable(rows) {
    const tableBody = rows.map((row) => {
      const cells = row.map((cell) => {
        if (typeof cell === "string") {
          return this.wrap("td", cell);
        }
        const { header: header2, data, colspan, rowspan } = cell;
        const tag = header2 ? "th" : "td";
        const attrs = Object.assign(Object.assign({}, colspan && { colspan }), rowspan && { rowspan });
        return this.wrap(tag, data, attrs);
      }).join("");
      return this.wrap("tr", cells);
    }).join("");
    const element = this.wrap("table", tableBody);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds a collapsable HTML details element to the summary buffer
   *
   * @param {string} label text for the closed state
   * @param {string} content collapsable content
   *
   * @returns {Summary} summary instance
   */
  addDetails(label, content) {
    const element = this.wrap("details", this.wrap("summary", label) + content);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML image tag to the summary buffer
   *
   * @param {string} src path to the image you to embed
   * @param {string} alt text description of the image
   * @param {SummaryImageOptions} options (optional) addition image attributes
   *
   * @returns {Summary} summary instance
   */
  addImage(src, alt, options) {
    const { width, height } = options || {};
    const attrs = Object.assign(Object.assign({}, width && { width }), height && { height });
    const element = this.wrap("img", null, Object.assign({ src, alt }, attrs));
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML section heading element
   *
   * @param {string} text heading text
   * @param {number | string} [level=1] (optional) the heading level, default: 1
   *
   * @returns {Summary} summary instance
   */
  addHeading(text2, level) {
    const tag = `h${level}`;
    const allowedTag = ["h1", "h2", "h3", "h4", "h5", "h6"].includes(tag) ? tag : "h1";
    const element = this.wrap(allowedTag, text2);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML thematic break (<hr>) to the summary buffer
   *
   * @returns {Summary} summary instance
   */
  addSeparator() {
    const element = this.wrap("hr", null);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML line break (<br>) to the summary buffer
   *
   * @returns {Summary} summary instance
   */
  addBreak() {
    const element = this.wrap("br", null);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML blockquote to the summary buffer
   *
   * @param {string} text quote text
   * @param {string} cite (optional) citation url
   *
   * @returns {Summary} summary instance
   */
  addQuote(text2, cite) {
    const attrs = Object.assign({}, cite && { cite });
    const element = this.wrap("blockquote", text2, attrs);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML anchor tag to the summary buffer
   *
   * @param {string} text link text/content
   * @param {string} href hyperlink
   *
   * @returns {Summary} summary instance
   */
  addLink(text2, href) {
    const element = this.wrap("a", text2, { href });
    return this.addRaw(element).addEOL();
  }
};
var _summary = new Summary();
var summary = _summary;

// node_modules/@actions/core/lib/platform.js
import os3 from "os";

// node_modules/@actions/io/lib/io-util.js
import * as fs2 from "fs";
var { chmod, copyFile, lstat, mkdir, open, readdir, rename, rm, rmdir, stat, symlink, unlink } = fs2.promises;
var IS_WINDOWS = process.platform === "win32";
var READONLY = fs2.constants.O_RDONLY;

// node_modules/@actions/exec/lib/toolrunner.js
var IS_WINDOWS2 = process.platform === "win32";

// node_modules/@actions/core/lib/platform.js
var platform = os3.platform();
var arch = os3.arch();

// node_modules/@actions/core/lib/core.js
var ExitCode;
(function(ExitCode2) {
  ExitCode2[ExitCode2["Success"] = 0] = "Success";
  ExitCode2[ExitCode2["Failure"] = 1] = "Failure";
})(ExitCode || (ExitCode = {}));
function setSecret(secret) {
  issueCommand("add-mask", {}, secret);
}
function getInput(name, options) {
  const val = process.env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] || "";
  if (options && options.required && !val) {
    throw new Error(`Input required and not supplied: ${name}`);
  }
  if (options && options.trimWhitespace === false) {
    return val;
  }
  return val.trim();
}
function getMultilineInput(name, options) {
  const inputs = getInput(name, options).split("\n").filter((x) => x !== "");
  if (options && options.trimWhitespace === false) {
    return inputs;
  }
  return inputs.map((input) => input.trim());
}
function getBooleanInput(name, options) {
  const trueValue = ["true", "True", "TRUE"];
  const falseValue = ["false", "False", "FALSE"];
  const val = getInput(name, options);
  if (trueValue.includes(val))
    return true;
  if (falseValue.includes(val))
    return false;
  throw new TypeError(`Input does not meet YAML 1.2 "Core Schema" specification: ${name}
Support boolean input list: \`true | True | TRUE | false | False | FALSE\``);
}
function setOutput(name, value) {
  const filePath = process.env["GITHUB_OUTPUT"] || "";
  if (filePath) {
    return issueFileCommand("OUTPUT", prepareKeyValueMessage(name, value));
  }
  process.stdout.write(os4.EOL);
  issueCommand("set-output", { name }, toCommandValue(value));
}
function setFailed(message) {
  process.exitCode = ExitCode.Failure;
  error(message);
}
function error(message, properties = {}) {
  issueCommand("error", toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
function warning(message, properties = {}) {
  issueCommand("warning", toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
function info(message) {
  process.stdout.write(message + os4.EOL);
}

// client/src/errors.ts
var SvtError = class extends Error {
  name = "SvtError";
  status;
  problem;
  transient;
  attempts;
  constructor(message, details) {
    super(message, details.cause === void 0 ? void 0 : { cause: details.cause });
    this.status = details.status;
    this.problem = details.problem;
    this.transient = details.transient;
    this.attempts = details.attempts;
  }
  /** The problem's code (`urn:svt:problem:<code>`), e.g. `validation`; null if none. */
  get code() {
    const type = this.problem?.type ?? "";
    return type.startsWith("urn:svt:problem:") ? type.slice("urn:svt:problem:".length) : null;
  }
};

// client/src/retry.ts
function isRetryableStatus(status) {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}
var DEFAULT_BACKOFF = { baseMs: 500, maxMs: 1e4 };
function backoffDelay(attempt, options = DEFAULT_BACKOFF, random = Math.random) {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
function parseRetryAfter(header2, now = Date.now()) {
  if (header2 === void 0) return null;
  const value = header2.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1e3;
  const at2 = Date.parse(value);
  if (Number.isNaN(at2) || !/[a-z]/i.test(value)) return null;
  return Math.max(0, at2 - now);
}
function nextDelay(attempt, retryAfterMs, remainingMs, options = DEFAULT_BACKOFF, random = Math.random) {
  if (remainingMs <= 0) return null;
  if (retryAfterMs !== null) return retryAfterMs < remainingMs ? retryAfterMs : null;
  return Math.min(backoffDelay(attempt, options, random), remainingMs);
}

// client/src/tls-errors.ts
var UNTRUSTED = /* @__PURE__ */ new Set([
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "INVALID_CA"
]);
var REFUSED = /* @__PURE__ */ new Set([
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "CERT_SIGNATURE_FAILURE",
  "CERT_CHAIN_TOO_LONG",
  "UNABLE_TO_DECRYPT_CERT_SIGNATURE",
  "UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY",
  "ERROR_IN_CERT_NOT_BEFORE_FIELD",
  "ERROR_IN_CERT_NOT_AFTER_FIELD",
  "PATH_LENGTH_EXCEEDED",
  "INVALID_PURPOSE",
  "HOSTNAME_MISMATCH",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "ERR_TLS_CERT_ALTNAME_FORMAT"
]);
function certificateError(err) {
  let current = err;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const { code, message, cause } = current;
    if (typeof code === "string" && (UNTRUSTED.has(code) || REFUSED.has(code))) {
      return { code, message: typeof message === "string" ? message : code };
    }
    current = cause;
  }
  return null;
}
function certificateProblem(err) {
  const found = certificateError(err);
  if (found === null) return null;
  const what = found.message.includes(found.code) ? found.message : `${found.code}: ${found.message}`;
  return UNTRUSTED.has(found.code) ? `its TLS certificate is not trusted here (${what}), which no retry can fix: if your organisation's own CA signed it, give node that CA's certificate with NODE_EXTRA_CA_CERTS=/path/to/ca.pem in the environment (node reads it when it starts)` : `its TLS certificate is refused (${what}), which no retry can fix: the server's certificate must be renewed, or name the host of the server URL (NODE_EXTRA_CA_CERTS, which adds trusted CAs, cannot help here)`;
}

// client/src/client.ts
var segment = encodeURIComponent;
function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== void 0) search.set(key, String(value));
  }
  const text2 = search.toString();
  return text2 === "" ? "" : `?${text2}`;
}
function problemOf(text2) {
  try {
    const body = JSON.parse(text2);
    if (typeof body === "object" && body !== null && "status" in body && "title" in body) {
      return body;
    }
  } catch {
  }
  return null;
}
function describe(status, problem) {
  if (problem === null) return `HTTP ${status}`;
  const fields = (problem.errors ?? []).map((e) => `${e.path}: ${e.message}`);
  const detail = fields.length > 0 ? fields.join("; ") : problem.detail ?? "";
  return `${status} ${problem.title}${detail === "" ? "" : `: ${detail}`}`;
}
function reasonOf(err) {
  if (err instanceof Error) {
    const code = err.code;
    return code === void 0 || err.message.includes(code) ? err.message : `${code}: ${err.message}`;
  }
  return String(err);
}
var MIN_ATTEMPT_MS = 100;
var sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
var SvtClient = class {
  constructor(options) {
    this.options = options;
    let url;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new TypeError(
        `server URL must be an http(s) URL, got ${JSON.stringify(options.baseUrl)}`
      );
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new TypeError(
        `server URL must be an http(s) URL, got ${JSON.stringify(options.baseUrl)}`
      );
    }
    this.baseUrl = url.href.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? 1e4;
    this.deadlineMs = options.deadlineMs ?? 12e4;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.userAgent = options.userAgent ?? "svt-client";
  }
  options;
  baseUrl;
  timeoutMs;
  deadlineMs;
  backoff;
  userAgent;
  /** Records a deployment (`POST /api/v1/deployments`). */
  async record(request, options = {}) {
    const headers = { "content-type": "application/json" };
    if (options.idempotencyKey !== void 0) headers["idempotency-key"] = options.idempotencyKey;
    const answer = await this.call("POST", "/api/v1/deployments", JSON.stringify(request), headers);
    const body = parseBody(answer);
    return {
      ...body,
      deployment: { ...body.deployment, repository: body.deployment.repository ?? null },
      current: body.current ?? body.deployment.status === "success",
      links: body.links ?? { commit: null, changes: null },
      replayed: answer.headers["idempotent-replayed"] === "true"
    };
  }
  /** What runs in `env` now, or at instant `at`, with each app's open attempt. */
  async current(env, options = {}) {
    const state = await this.get(
      `/api/v1/environments/${segment(env)}${query({ at: options.at })}`
    );
    return { ...state, attempts: state.attempts ?? [] };
  }
  /** One page of history, newest first. */
  history(filters = {}) {
    return this.get(`/api/v1/deployments${query({ ...filters })}`);
  }
  /** Every deployment event in `env` from `since` (inclusive) to `until` (exclusive, default now), newest first. */
  changes(env, window) {
    return this.get(`/api/v1/changes${query({ env, ...window })}`);
  }
  environments() {
    return this.get("/api/v1/environments");
  }
  apps() {
    return this.get("/api/v1/apps");
  }
  /** An app's current deployment in every environment. */
  app(name) {
    return this.get(`/api/v1/apps/${segment(name)}`);
  }
  /** Every app of two environments side by side, now or at instant `at`. */
  compare(from, to, options = {}) {
    return this.get(`/api/v1/compare${query({ from, to, at: options.at })}`);
  }
  /** DORA figures of an environment and/or an app over a window (default 30d) ending now or at `until`. */
  dora(filters = {}) {
    return this.get(`/api/v1/dora${query({ ...filters })}`);
  }
  async get(path) {
    const answer = await this.call("GET", path, void 0, { accept: "application/json" });
    return parseBody(answer);
  }
  /**
   * Sends until a 2xx, a refusal, or the deadline; throws SvtError on the
   * last two, and at once on a TLS certificate error (no retry fixes one).
   */
  async call(method, path, body, headers) {
    const url = `${this.baseUrl}${path}`;
    const started = Date.now();
    const allHeaders = { ...headers };
    if (this.options.token !== void 0 && this.options.token !== "") {
      allHeaders.authorization = `Bearer ${this.options.token}`;
    }
    for (let attempt = 1; ; attempt++) {
      const remaining = started + this.deadlineMs - Date.now();
      let answer;
      let failure;
      try {
        answer = await this.attempt(
          method,
          url,
          body,
          allHeaders,
          Math.min(this.timeoutMs, remaining)
        );
      } catch (err) {
        failure = err;
      }
      if (answer !== void 0 && answer.status >= 200 && answer.status < 300) return answer;
      if (answer !== void 0 && answer.status >= 300 && answer.status < 400) {
        const location = header(answer.headers.location) ?? "nowhere";
        throw new SvtError(
          `SVT at ${this.baseUrl} redirects (${answer.status}) to ${location}: use that server URL`,
          { status: answer.status, problem: null, transient: false, attempts: attempt }
        );
      }
      const certificate = answer === void 0 ? certificateProblem(failure) : null;
      if (certificate !== null) {
        throw new SvtError(`SVT at ${this.baseUrl} cannot be reached safely: ${certificate}`, {
          status: null,
          problem: null,
          transient: false,
          attempts: attempt,
          cause: failure
        });
      }
      const problem = answer === void 0 ? null : problemOf(answer.text);
      if (answer !== void 0 && !isRetryableStatus(answer.status)) {
        throw new SvtError(`SVT refused the request: ${describe(answer.status, problem)}`, {
          status: answer.status,
          problem,
          transient: false,
          attempts: attempt
        });
      }
      const reason = answer === void 0 ? reasonOf(failure) : describe(answer.status, problem);
      const retryAfter = answer === void 0 ? null : parseRetryAfter(header(answer.headers["retry-after"]));
      const delay = nextDelay(
        attempt,
        retryAfter,
        started + this.deadlineMs - Date.now() - MIN_ATTEMPT_MS,
        this.backoff
      );
      if (delay === null) {
        const seconds = ((Date.now() - started) / 1e3).toFixed(1);
        throw new SvtError(
          `SVT at ${this.baseUrl} is unreachable or failing: ${reason} (${attempt} attempt${attempt === 1 ? "" : "s"} in ${seconds} s)`,
          {
            status: answer?.status ?? null,
            problem,
            transient: true,
            attempts: attempt,
            cause: failure
          }
        );
      }
      this.options.onRetry?.({ attempt, delayMs: delay, reason });
      await sleep(delay);
    }
  }
  /**
   * One request with its own timeout. Each attempt has its own HttpClient
   * so that an attempt given up on is torn down (its socket destroyed)
   * instead of lingering and keeping the process alive.
   */
  async attempt(method, url, body, headers, timeoutMs) {
    const http2 = new HttpClient(this.userAgent, [], {
      socketTimeout: Math.max(1, timeoutMs),
      allowRetries: false,
      allowRedirects: false,
      keepAlive: false
    });
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${(timeoutMs / 1e3).toFixed(1)} s`)),
        Math.max(0, timeoutMs)
      );
    });
    const exchange = (async () => {
      const res = await http2.request(method, url, body ?? null, headers);
      const text2 = await res.readBody();
      return { status: res.message.statusCode ?? 0, headers: res.message.headers, text: text2 };
    })();
    exchange.catch(() => void 0);
    try {
      return await Promise.race([exchange, timeout]);
    } finally {
      clearTimeout(timer);
      http2.dispose();
    }
  }
};
function parseBody(answer) {
  try {
    return JSON.parse(answer.text);
  } catch {
    throw new SvtError(
      `SVT answered ${answer.status} with a body that is not JSON: ${JSON.stringify(answer.text.slice(0, 80))}`,
      { status: answer.status, problem: null, transient: false, attempts: 1 }
    );
  }
}
function header(value) {
  return Array.isArray(value) ? value[0] : value;
}

// client/src/github-context.ts
import { readFileSync } from "node:fs";

// client/src/repository.ts
var SCP_FORM = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/;
function repositoryWebUrl(remote) {
  const text2 = remote?.trim() ?? "";
  if (text2 === "") return null;
  const scp = SCP_FORM.exec(text2);
  if (scp !== null && !text2.includes("://"))
    return webUrl("https:", scp[1] ?? "", "", scp[2] ?? "");
  let url;
  try {
    url = new URL(text2);
  } catch {
    return null;
  }
  switch (url.protocol) {
    case "http:":
    case "https:":
      return webUrl(url.protocol, url.hostname, url.port, url.pathname);
    case "ssh:":
    case "git:":
    case "git+ssh:":
    case "ssh+git:":
      return webUrl("https:", url.hostname, "", url.pathname);
    default:
      return null;
  }
}
function webUrl(protocol, host, port, path) {
  const segments = path.replace(/\.git\/*$/, "").split("/").filter((s) => s !== "");
  if (host === "" || segments.length < 2) return null;
  return `${protocol}//${host.toLowerCase()}${port === "" ? "" : `:${port}`}/${segments.join("/")}`;
}

// client/src/github-context.ts
function v(env, name) {
  const value = env[name];
  return value === void 0 || value === "" ? null : value;
}
function at(value, key) {
  return typeof value === "object" && value !== null ? value[key] : void 0;
}
function text(value) {
  return typeof value === "string" && value !== "" ? value : null;
}
function readEvent(env) {
  const path = v(env, "GITHUB_EVENT_PATH");
  if (path === null) return null;
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return null;
  }
}
function timeOf(headCommit, commit) {
  return commit !== null && text(at(headCommit, "id")) === commit ? text(at(headCommit, "timestamp")) : null;
}
function branchOf(branch, headRepo, baseRepoName, label) {
  if (branch === null) return null;
  const headName = text(at(headRepo, "full_name"));
  if (headName === null) return label ?? branch;
  if (baseRepoName === null || headName.toLowerCase() === baseRepoName.toLowerCase()) return branch;
  const owner = text(at(at(headRepo, "owner"), "login")) ?? headName.split("/")[0] ?? "";
  return `${owner}:${branch}`;
}
function shortRef(ref) {
  return ref?.replace(/^refs\/(heads|tags)\//, "") ?? null;
}
var PULL_REQUEST_EVENTS = /* @__PURE__ */ new Set([
  "pull_request",
  "pull_request_target",
  "pull_request_review",
  "pull_request_review_comment"
]);
function githubBuiltCommit(env) {
  const eventName = v(env, "GITHUB_EVENT_NAME") ?? "";
  const event = readEvent(env);
  const sha = v(env, "GITHUB_SHA");
  const repo = v(env, "GITHUB_REPOSITORY");
  const none = { committedAt: null, tag: null, committedAtFrom: "the event" };
  if (PULL_REQUEST_EVENTS.has(eventName)) {
    const pr = at(event, "pull_request");
    const merged = at(pr, "merged") === true ? text(at(pr, "merge_commit_sha")) : null;
    if (merged !== null) {
      return { ...none, commit: merged, ref: text(at(at(pr, "base"), "ref")) };
    }
    const head = at(pr, "head");
    const branch = text(at(head, "ref")) ?? v(env, "GITHUB_HEAD_REF");
    return {
      ...none,
      commit: text(at(head, "sha")),
      ref: branchOf(
        branch,
        at(head, "repo"),
        text(at(at(at(pr, "base"), "repo"), "full_name")) ?? repo,
        text(at(head, "label"))
      )
    };
  }
  if (eventName === "workflow_run") {
    const run2 = at(event, "workflow_run");
    const commit = text(at(run2, "head_sha"));
    return {
      commit,
      committedAt: timeOf(at(run2, "head_commit"), commit),
      committedAtFrom: "the workflow_run event's head_commit.timestamp",
      ref: branchOf(text(at(run2, "head_branch")), at(run2, "head_repository"), repo, null),
      tag: null
    };
  }
  if (eventName === "check_suite" || eventName === "check_run") {
    const suite = eventName === "check_suite" ? at(event, "check_suite") : at(at(event, "check_run"), "check_suite");
    const commit = text(
      at(eventName === "check_suite" ? suite : at(event, "check_run"), "head_sha")
    );
    return {
      commit,
      committedAt: timeOf(at(suite, "head_commit"), commit),
      committedAtFrom: "the check_suite's head_commit.timestamp",
      ref: text(at(suite, "head_branch")),
      tag: null
    };
  }
  if (eventName === "status") {
    const branches = at(event, "branches");
    const only = Array.isArray(branches) && branches.length === 1 ? branches[0] : void 0;
    return { ...none, commit: text(at(event, "sha")), ref: text(at(only, "name")) };
  }
  if (eventName === "merge_group") {
    const group = at(event, "merge_group");
    return {
      commit: sha,
      committedAt: timeOf(at(group, "head_commit"), sha),
      committedAtFrom: "the merge_group event's head_commit.timestamp",
      ref: shortRef(text(at(group, "base_ref"))) ?? v(env, "GITHUB_REF_NAME"),
      tag: null
    };
  }
  const refName = v(env, "GITHUB_REF_NAME");
  return {
    commit: sha,
    // A push event carries its head commit's time; other events say nothing we can trust.
    committedAt: timeOf(at(event, "head_commit"), sha),
    committedAtFrom: "the push event's head_commit.timestamp",
    ref: refName,
    tag: v(env, "GITHUB_REF_TYPE") === "tag" ? refName : null
  };
}
function githubContext(env) {
  const server = v(env, "GITHUB_SERVER_URL") ?? "https://github.com";
  const repo = v(env, "GITHUB_REPOSITORY");
  const runId = v(env, "GITHUB_RUN_ID");
  const attempt = v(env, "GITHUB_RUN_ATTEMPT") ?? "1";
  const built = githubBuiltCommit(env);
  return {
    provider: "github",
    commit: built.commit,
    committedAt: built.committedAt,
    committedAtFrom: built.committedAtFrom,
    ref: built.ref,
    tag: built.tag,
    pipelineUrl: repo === null || runId === null ? null : `${server}/${repo}/actions/runs/${runId}${attempt === "1" ? "" : `/attempts/${attempt}`}`,
    actor: v(env, "GITHUB_TRIGGERING_ACTOR") ?? v(env, "GITHUB_ACTOR"),
    source: "github",
    project: repo,
    // The base repository, also for a fork's pull request: GitHub keeps its
    // head at refs/pull/N/head there, so links to the commit resolve.
    repository: repo === null ? null : repositoryWebUrl(`${server}/${repo}`),
    runId: runId === null ? null : `${repo ?? ""}/${runId}/${attempt}/${v(env, "GITHUB_JOB") ?? ""}`
  };
}

// client/src/idempotency-key.ts
import { createHash } from "node:crypto";
function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const members = Object.entries(value).filter(([, member]) => member !== void 0).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0).map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`);
    return `{${members.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
function defaultIdempotencyKey(ctx, request) {
  if (ctx.runId === null || ctx.provider === null) return null;
  const body = canonicalJson({ ...request, status: request.status ?? "success" });
  const digest = createHash("sha256").update(`${ctx.runId}
${body}`).digest("hex").slice(0, 40);
  return `${ctx.provider}-${digest}`;
}

// client/src/ci-context.ts
function v2(env, name) {
  const value = env[name];
  return value === void 0 || value === "" ? null : value;
}
function gitlab(env) {
  const tag = v2(env, "CI_COMMIT_TAG");
  const jobId = v2(env, "CI_JOB_ID");
  const project = v2(env, "CI_PROJECT_PATH");
  const eventType = v2(env, "CI_MERGE_REQUEST_EVENT_TYPE");
  const headSha = v2(env, "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA");
  const sha = v2(env, "CI_COMMIT_SHA");
  const merged = eventType === "merged_result" || eventType === "merge_train" || headSha !== null && headSha !== sha;
  const commit = merged ? headSha : sha;
  const mrBranch = v2(env, "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME");
  const sourceProject = v2(env, "CI_MERGE_REQUEST_SOURCE_PROJECT_PATH");
  const targetProject = v2(env, "CI_MERGE_REQUEST_PROJECT_PATH") ?? project;
  const fork = sourceProject !== null && sourceProject !== targetProject ? `${sourceProject}:` : "";
  return {
    provider: "gitlab",
    commit,
    committedAt: merged ? null : v2(env, "CI_COMMIT_TIMESTAMP"),
    committedAtFrom: merged ? null : "CI_COMMIT_TIMESTAMP",
    ref: tag ?? (mrBranch === null ? v2(env, "CI_COMMIT_REF_NAME") : `${fork}${mrBranch}`),
    tag,
    pipelineUrl: v2(env, "CI_PIPELINE_URL") ?? v2(env, "CI_JOB_URL"),
    actor: v2(env, "GITLAB_USER_LOGIN") ?? v2(env, "GITLAB_USER_NAME"),
    source: "gitlab",
    project,
    repository: repositoryWebUrl(v2(env, "CI_PROJECT_URL")),
    // A retried GitLab job gets a new job id: one id is one job attempt.
    runId: jobId === null ? null : `${project ?? ""}/${jobId}`
  };
}
function jenkins(env) {
  const job = v2(env, "JOB_NAME");
  const build = v2(env, "BUILD_NUMBER");
  const tag = v2(env, "TAG_NAME");
  const change = v2(env, "CHANGE_ID") === null ? null : v2(env, "CHANGE_BRANCH");
  const fork = v2(env, "CHANGE_FORK");
  const branch = change === null ? v2(env, "BRANCH_NAME") ?? v2(env, "GIT_BRANCH")?.replace(/^origin\//, "") ?? null : fork === null ? change : `${fork}:${change}`;
  return {
    provider: "jenkins",
    commit: v2(env, "GIT_COMMIT"),
    // Jenkins has no variable for it: pass --committed-at (see the README).
    committedAt: null,
    committedAtFrom: null,
    ref: tag ?? branch,
    tag,
    pipelineUrl: v2(env, "BUILD_URL"),
    actor: v2(env, "BUILD_USER_ID"),
    source: "jenkins",
    project: job,
    // The Git plugin's clone URL (SSH or HTTPS, maybe with credentials).
    repository: repositoryWebUrl(v2(env, "GIT_URL")),
    // A replayed or rebuilt Jenkins build gets a new number.
    runId: job === null || build === null ? null : `${job}/${build}`
  };
}
var NONE = {
  provider: null,
  commit: null,
  committedAt: null,
  committedAtFrom: null,
  ref: null,
  tag: null,
  pipelineUrl: null,
  actor: null,
  source: null,
  project: null,
  repository: null,
  runId: null
};
function detectCiContext(env = process.env) {
  if (v2(env, "GITHUB_ACTIONS") === "true") return githubContext(env);
  if (v2(env, "GITLAB_CI") !== null) return gitlab(env);
  if (v2(env, "JENKINS_URL") !== null || v2(env, "JENKINS_HOME") !== null) return jenkins(env);
  return NONE;
}
function defaultVersion(ctx, commit = ctx.commit) {
  return ctx.tag ?? commit?.slice(0, ctx.provider === "gitlab" ? 8 : 7) ?? null;
}
var MAX_COMMIT_AFTER_DEPLOY_MS = 5 * 60 * 1e3;
var MIN_COMMITTED_AT = "2000-01-01T00:00:00Z";
var MIN_COMMITTED_MS = Date.parse(MIN_COMMITTED_AT);
var INSTANT = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:[Zz]|([+-])(\d{2}):?(\d{2}))$/;
function instantMs(text2) {
  const m = INSTANT.exec(text2);
  if (m === null) return NaN;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, oh = 0, om = 0] = [
    1,
    2,
    3,
    4,
    5,
    6,
    9,
    10
  ].map((group) => Number(m[group] ?? 0));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return NaN;
  if (hour > 23 || minute > 59 || second > 59 || oh > 23 || om > 59) return NaN;
  const millis = Number((m[7] ?? "0").padEnd(3, "0").slice(0, 3));
  const offset = (m[8] === "-" ? -1 : 1) * (oh * 60 + om) * 6e4;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset;
}
function committedAtProblem(committedAt, deployedAt, now) {
  const commitMs = instantMs(committedAt);
  if (Number.isNaN(commitMs)) return "it is not an ISO 8601 instant with a zone";
  if (commitMs < MIN_COMMITTED_MS) return `it is before ${MIN_COMMITTED_AT}`;
  const deployedMs = deployedAt === void 0 ? NaN : instantMs(deployedAt);
  if (Number.isNaN(deployedMs)) {
    return commitMs > now + MAX_COMMIT_AFTER_DEPLOY_MS ? "it is more than 5 minutes in the future" : null;
  }
  return commitMs > Math.min(deployedMs, now) + MAX_COMMIT_AFTER_DEPLOY_MS ? deployedMs > now ? `it is more than 5 minutes after the deployment, which takes effect now (deployedAt ${deployedAt} is ahead of this clock)` : `it is more than 5 minutes after the deployment (deployedAt ${deployedAt})` : null;
}
function withCiDefaults(request, ctx, now = Date.now()) {
  const filled = { ...request };
  const warnings = [];
  if (filled.commit === void 0 && ctx.commit !== null) filled.commit = ctx.commit;
  if (filled.committedAt === void 0 && ctx.committedAt !== null && filled.commit === ctx.commit) {
    const problem = committedAtProblem(ctx.committedAt, filled.deployedAt, now);
    if (problem === null) {
      filled.committedAt = ctx.committedAt;
    } else {
      warnings.push(
        `committedAt ${JSON.stringify(ctx.committedAt)} from ${ctx.committedAtFrom ?? "the CI"} left out of the request: ${problem}, which the server refuses`
      );
    }
  }
  if (filled.ref === void 0 && ctx.ref !== null) filled.ref = ctx.ref;
  if (filled.pipelineUrl === void 0 && ctx.pipelineUrl !== null) {
    filled.pipelineUrl = ctx.pipelineUrl;
  }
  if (filled.actor === void 0 && ctx.actor !== null) filled.actor = ctx.actor;
  if (filled.source === void 0 && ctx.source !== null) filled.source = ctx.source;
  if (filled.repository === void 0 && ctx.repository !== null) {
    filled.repository = ctx.repository;
  }
  return { request: filled, warnings };
}

// client/src/names.ts
var collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

// client/src/recorded-text.ts
function recordedText({
  deployment: d,
  previous,
  current,
  currentDeployment
}) {
  const runs = currentDeployment == null ? "nothing succeeded there yet" : `${currentDeployment.version} runs there`;
  if (d.status === "started") {
    return `${d.app} ${d.version} deployment started in ${d.env} (${runs})`;
  }
  if (d.status !== "success") {
    const what2 = d.status === "failure" ? "failed" : "rolled back";
    return `${d.app} ${d.version} ${what2} in ${d.env} (${runs})`;
  }
  if (!current) {
    return `${d.app} ${d.version} recorded in ${d.env}, but not current: ${runs}, deployed later`;
  }
  const what = d.rollback ? "rolled back to" : "deployed to";
  const was = previous === null ? "the first success there" : `was ${previous.version}`;
  return `${d.app} ${d.version} ${what} ${d.env} (${was})`;
}

// client/src/cli/terminal.ts
var HIDDEN = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
function terminalText(text2) {
  return text2.replace(
    HIDDEN,
    (c) => c === "\n" ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`
  );
}

// client/src/version.ts
var VERSION = "1.1.0";

// client/src/cli/settings.ts
var UsageError = class extends Error {
  name = "UsageError";
};
var STATUSES = [
  "success",
  "failure",
  "started",
  "rolled_back"
];
function parseStatus(flag, value) {
  const status = STATUSES.find((s) => s === value);
  if (status === void 0) {
    throw new UsageError(
      `${flag} must be one of ${STATUSES.join(", ")}, got ${JSON.stringify(value)}`
    );
  }
  return status;
}
function parseAttributes(flag, pairs) {
  const attributes = {};
  for (const pair of pairs) {
    const at2 = pair.indexOf("=");
    if (at2 <= 0) {
      throw new UsageError(`${flag} must be key=value, got ${JSON.stringify(pair)}`);
    }
    const key = pair.slice(0, at2).trim();
    if (Object.hasOwn(attributes, key)) {
      throw new UsageError(`${flag} ${JSON.stringify(key)} is given twice`);
    }
    attributes[key] = pair.slice(at2 + 1);
  }
  return attributes;
}

// action/src/inputs.ts
function failOnError() {
  return getInput("fail-on-error").trim().toLowerCase() === "true";
}
function parseInputs() {
  const timeout = getInput("timeout") || "120";
  const timeoutSeconds = Number(timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > 3600) {
    throw new UsageError(
      `input timeout must be a number of seconds between 0 and 3600, got ${JSON.stringify(timeout)}`
    );
  }
  const lines = getMultilineInput("attributes").map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("#"));
  return {
    serverUrl: getInput("server-url", { required: true }),
    token: getInput("token"),
    environment: getInput("environment", { required: true }),
    app: getInput("app"),
    version: getInput("version"),
    commit: getInput("commit"),
    ref: getInput("ref"),
    status: parseStatus("input status", getInput("status") || "success"),
    url: getInput("url"),
    attributes: parseAttributes("input attributes", lines),
    idempotencyKey: getInput("idempotency-key"),
    timeoutSeconds,
    failOnError: getBooleanInput("fail-on-error")
  };
}

// action/src/main.ts
function summaryText(text2) {
  return escapeHtml(oneLine(text2));
}
function escapeHtml(text2) {
  return text2.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c
  );
}
function oneLine(text2) {
  return terminalText(text2).replace(/\n/g, "\\u000a");
}
function appPage(base, app) {
  const segment2 = /^\.+$/.test(app) ? app.replace(/\./g, "%2E") : encodeURIComponent(app);
  return `${base}/app/${segment2}`;
}
function currentCell(outcome) {
  if (outcome.current) return "yes";
  const runs = outcome.currentDeployment;
  return runs == null ? "no: nothing succeeded there yet" : `no: ${runs.version} runs there`;
}
async function summarize(inputs, outcome) {
  const d = outcome.deployment;
  const base = inputs.serverUrl.replace(/\/+$/, "");
  summary.addHeading(summaryText(`SVT: ${d.app} ${d.version} in ${d.env}`), 3).addRaw(`<p>${summaryText(recordedText(outcome))}</p>`, true).addTable([
    [
      { data: "App", header: true },
      { data: "Environment", header: true },
      { data: "Version", header: true },
      { data: "Previous version", header: true },
      { data: "Status", header: true },
      { data: "Current", header: true }
    ],
    [
      d.app,
      d.env,
      d.rollback ? `${d.version} (rollback)` : d.version,
      outcome.previous?.version ?? "(none)",
      d.status,
      currentCell(outcome)
    ].map(summaryText)
  ]).addRaw(
    outcome.replayed ? "Already recorded by an earlier attempt of this job; nothing new stored. " : ""
  ).addLink(`${summaryText(d.app)} in SVT`, escapeHtml(appPage(base, d.app)));
  const { changes, commit } = outcome.links;
  if (changes !== null) {
    const since = outcome.previous?.version ?? "the previous deployment";
    summary.addRaw(" \xB7 ").addLink(summaryText(`Changes since ${since}`), escapeHtml(changes));
  } else if (commit !== null) {
    summary.addRaw(" \xB7 ").addLink(summaryText("Commit"), escapeHtml(commit));
  }
  await summary.addEOL().write();
}
async function record(env) {
  const inputs = parseInputs();
  if (inputs.token !== "") setSecret(inputs.token);
  const ctx = detectCiContext(env);
  const app = inputs.app || (ctx.project?.split("/").pop() ?? "");
  const version = inputs.version || (defaultVersion(ctx, inputs.commit || ctx.commit) ?? "");
  if (app === "") throw new Error("input app is empty and GITHUB_REPOSITORY is not set");
  if (version === "")
    throw new Error("input version is empty and the run names no tag or commit to default to");
  const request = {
    env: inputs.environment,
    app,
    version,
    status: inputs.status
  };
  if (inputs.commit !== "") request.commit = inputs.commit;
  if (inputs.ref !== "") request.ref = inputs.ref;
  if (inputs.url !== "") request.url = inputs.url;
  if (Object.keys(inputs.attributes).length > 0) request.attributes = inputs.attributes;
  const client = new SvtClient({
    baseUrl: inputs.serverUrl,
    token: inputs.token,
    deadlineMs: inputs.timeoutSeconds * 1e3,
    timeoutMs: Math.min(1e4, inputs.timeoutSeconds * 1e3),
    userAgent: `svt-action/${VERSION}`,
    onRetry: ({ attempt, delayMs, reason }) => info(
      `SVT attempt ${attempt} failed (${reason}); retrying in ${(delayMs / 1e3).toFixed(1)} s`
    )
  });
  const filled = withCiDefaults(request, ctx, Date.now());
  for (const warning2 of filled.warnings) warning(`SVT: ${warning2}`);
  const key = inputs.idempotencyKey || defaultIdempotencyKey(ctx, filled.request);
  const outcome = await client.record(filled.request, {
    idempotencyKey: key ?? void 0
  });
  return { inputs, outcome };
}
function report(strict, message) {
  if (strict) setFailed(message);
  else warning(`${message} (the step succeeds anyway; set fail-on-error: true to fail it)`);
}
async function run(env = process.env) {
  const strict = failOnError();
  let recorded;
  try {
    recorded = await record(env);
  } catch (err) {
    report(
      strict,
      `SVT could not record the deployment: ${err instanceof Error ? err.message : String(err)}`
    );
    return;
  }
  const { inputs, outcome } = recorded;
  const d = outcome.deployment;
  info(
    `${outcome.replayed ? "Already recorded in SVT, nothing new stored" : "Recorded in SVT"}: ${oneLine(recordedText(outcome))}`
  );
  if (outcome.links.changes !== null) info(`Changes: ${oneLine(outcome.links.changes)}`);
  try {
    setOutput("deployment-id", d.id);
    setOutput("previous-version", outcome.previous?.version ?? "");
    setOutput("current", String(outcome.current));
    await summarize(inputs, outcome);
  } catch (err) {
    report(
      strict,
      `SVT recorded the deployment (${d.id}) but could not write the step's outputs or summary: ${err instanceof Error ? err.message : String(err)}`
    );
  }
}

// action/src/index.ts
await run();
