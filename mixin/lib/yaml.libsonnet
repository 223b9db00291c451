// A small YAML emitter for the generated rule files. std.manifestYamlDoc quotes every string and
// sorts keys alphabetically; this one writes what a person would: keys in the order Prometheus'
// documentation uses, plain scalars where YAML reads them back unchanged, `|` blocks for
// multi-line expressions and folded `>-` blocks for long one-line templates (broken where a
// hidden field `folded KEY` next to the string says, else between template actions). Anything it cannot
// write plainly is written as a JSON string, which YAML reads as the same string.
local keyOrder = [
  'apiVersion', 'kind', 'metadata', 'spec',
  'name', 'interval', 'rules', 'alert', 'record', 'expr', 'for', 'labels', 'annotations',
  'summary', 'description', 'runbook_url', 'dashboard_url',
];
local width = 100;

local rank(k) =
  local i = std.find(k, keyOrder);
  if std.length(i) > 0 then i[0] else std.length(keyOrder);
local fields(o) = std.sort(std.objectFields(o), function(k) std.char(65 + rank(k)) + k);

// std.findSubstr and std.member on strings are written in jsonnet and slow; strReplace is native.
local contains(s, sub) = std.strReplace(s, sub, '') != s;
local has(chars, c) = contains(chars, c);
local numberish(s) = std.foldl(function(rest, c) std.strReplace(rest, c, ''), std.stringChars('0123456789.+-eE_:'), s) == '';
local reserved = ['true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n', 'null', '~'];
// The sources hold no other control characters than these.
local controlFree(s) = !contains(s, '\t') && !contains(s, '\r') && !contains(s, '\u0000');

local plain(s) =
  std.length(s) > 0
  && !has('-?:,[]{}#&*!|>\'"%@`. ', s[0])
  && s[std.length(s) - 1] != ' '
  && s[std.length(s) - 1] != ':'
  && !contains(s, ': ')
  && !contains(s, ' #')
  && !numberish(s)
  && !std.member(reserved, std.asciiLower(s))
  && controlFree(s);

// Folding replaces exactly one space per line break, so only strings whose spaces are single
// and whose ends are not spaces can be folded and read back unchanged.
local foldable(s) =
  std.length(s) > 0
  && s[0] != ' ' && s[std.length(s) - 1] != ' '
  && contains(s, ' ')
  && !contains(s, '  ')
  && controlFree(s);

// Lines break only between template actions ({{ ... }}), never inside one, so that the YAML
// reads like the source; a line grows past `room` rather than split an action.
local count(s, sub) = (std.length(s) - std.length(std.strReplace(s, sub, ''))) / std.length(sub);
local depth(word) = count(word, '{{') - count(word, '}}');
local fold(s, room) =
  std.foldl(
    function(acc, word)
      local lines = acc.lines;
      local last = lines[std.length(lines) - 1];
      local next = acc.depth + depth(word);
      if last == '' then { lines: lines[:std.length(lines) - 1] + [word], depth: next }
      else if acc.depth > 0 || std.length(last) + 1 + std.length(word) <= room
      then { lines: lines[:std.length(lines) - 1] + [last + ' ' + word], depth: next }
      else { lines: lines + [word], depth: next },
    std.split(s, ' '),
    { lines: [''], depth: 0 }
  ).lines;

// std.escapeStringJson is slow; the JSON manifestation of a string is the same text.
local quote(s) = std.manifestJsonEx(s, '');
local pad(n) = std.repeat(' ', n);

// A string value after `key:` (or `-`): [inline text, continuation lines].
local stringValue(s, n) =
  if contains(s, '\n') then
    local body = if std.endsWith(s, '\n') then s[:std.length(s) - 1] else s;
    local lines = std.split(body, '\n');
    if lines[0] == '' || lines[0][0] == ' ' || std.endsWith(body, '\n') || !controlFree(std.strReplace(body, '\n', ''))
    then [quote(s), []]
    else [if std.endsWith(s, '\n') then '|' else '|-', [if l == '' then '' else pad(n) + l for l in lines]]
  else if std.length(s) > width - n && foldable(s) then
    ['>-', [pad(n) + l for l in fold(s, width - n)]]
  else if plain(s) then [s, []]
  else [quote(s), []];

local scalar(v) =
  if v == null then 'null'
  else if std.isBoolean(v) then (if v then 'true' else 'false')
  else std.toString(v);

local key(k) = if plain(k) then k else quote(k);

local emit(v, n) =
  if std.isObject(v) then
    std.flattenArrays([
      local x = v[k];
      local hint = 'folded ' + k;
      if std.isString(x) && std.objectHasAll(v, hint) then
        [pad(n) + key(k) + ': >-'] + [pad(n + 2) + l for l in v[hint]]
      else if std.isString(x) then
        local sv = stringValue(x, n + 2);
        [pad(n) + key(k) + ': ' + sv[0]] + sv[1]
      else if (std.isObject(x) || std.isArray(x)) && std.length(x) > 0 then
        [pad(n) + key(k) + ':'] + emit(x, n + 2)
      else if std.isObject(x) then [pad(n) + key(k) + ': {}']
      else if std.isArray(x) then [pad(n) + key(k) + ': []']
      else [pad(n) + key(k) + ': ' + scalar(x)]
      for k in fields(v)
    ])
  else if std.isArray(v) then
    std.flattenArrays([
      if std.isString(x) then
        local sv = stringValue(x, n + 2);
        [pad(n) + '- ' + sv[0]] + sv[1]
      else if (std.isObject(x) || std.isArray(x)) && std.length(x) > 0 then
        local inner = emit(x, n + 2);
        [pad(n) + '- ' + inner[0][n + 2:]] + inner[1:]
      else [pad(n) + '- ' + (if std.isObject(x) then '{}' else if std.isArray(x) then '[]' else scalar(x))]
      for x in v
    ])
  else error 'yaml: a document must be an object or an array';

{
  // The document as YAML text, ending with a newline, after `header` (comment lines).
  manifest(value, header=[]):: $.join($.lines(value), header),
  // The document's lines, to put under a key of another document by indenting them.
  lines(value):: emit(value, 0),
  // The lines of `value` as the items or fields of a key at indent `n`.
  linesAt(value, n):: emit(value, n),
  join(lines, header=[]):: std.join('\n', ['# ' + h for h in header] + lines) + '\n',
}
