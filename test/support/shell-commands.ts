/*
 * The programs a POSIX sh script runs, read from its text: the word in command position of every simple command,
 * including those inside `$(...)` and inside double quotes, without comments, quoted text, case patterns,
 * assignments, redirections, keywords, the script's own functions and the builtins that dash and BusyBox ash share.
 * It covers the constructs the pod's scripts use and refuses the ones it cannot read (here-documents, backquotes),
 * so a script that outgrows it fails its test instead of passing unread.
 */

/** Builtins of both dash and BusyBox ash (and POSIX's special and intrinsic utilities). */
export const SHARED_BUILTINS = new Set(
  (
    '. : [ alias bg break cd command continue echo eval exec exit export false fg getopts hash jobs kill local printf pwd ' +
    'read readonly return set shift test times trap true type ulimit umask unalias unset wait'
  ).split(' '),
);
const KEYWORDS = new Set('! { } case do done elif else esac fi for if in then until while'.split(' '));

/** `text` with quoted literals as `x`, comments dropped and command substitutions kept as code (`$(` ... `)`). */
function scrub(text: string): string {
  if (text.includes('<<')) throw new Error('shell-commands: here-documents are not supported');
  if (text.includes('`')) throw new Error('shell-commands: backquotes are not supported; use $(...)');
  let out = '';
  // Modes: 'code' (with its open parentheses) or 'dq' (inside double quotes).
  const stack: { mode: 'code' | 'dq'; depth: number }[] = [{ mode: 'code', depth: 0 }];
  let i = 0;
  const skipBraced = (): void => {
    // `${...}`: a parameter expansion, never a command here.
    let depth = 0;
    for (; i < text.length; i++) {
      if (text[i] === '{') depth++;
      if (text[i] === '}' && --depth === 0) break;
    }
    i++;
    out += 'x';
  };
  while (i < text.length) {
    const top = stack[stack.length - 1];
    const c = text[i];
    const next = text[i + 1];
    if (c === '\\') {
      out += next === '\n' ? ' ' : 'x';
      i += 2;
    } else if (c === '$' && next === '(' && text[i + 2] === '(') {
      const end = text.indexOf('))', i);
      if (end < 0) throw new Error('shell-commands: unclosed $((');
      out += 'x';
      i = end + 2;
    } else if (c === '$' && next === '(') {
      stack.push({ mode: 'code', depth: 0 });
      out += '$(';
      i += 2;
    } else if (c === '$' && next === '{') {
      skipBraced();
    } else if (top.mode === 'dq') {
      if (c === '"') stack.pop();
      out += 'x';
      i++;
    } else if (c === '"') {
      stack.push({ mode: 'dq', depth: 0 });
      out += 'x';
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error('shell-commands: unclosed single quote');
      out += 'x';
      i = end + 1;
    } else if (c === '#' && (i === 0 || /[\s;&|()]/.test(text[i - 1]))) {
      while (i < text.length && text[i] !== '\n') i++;
    } else {
      if (c === '(') top.depth++;
      if (c === ')') {
        if (top.depth === 0 && stack.length > 1) stack.pop();
        else top.depth--;
      }
      out += c;
      i++;
    }
  }
  return out;
}

/** The case patterns (`pat | pat)`) removed from scrubbed text. */
function dropCasePatterns(code: string): string {
  return code.replace(/\bcase\s+\S+\s+in\b([\s\S]*?)\besac\b/g, (_m, body: string) => {
    const items = body.split(';;').map((item) => {
      const close = item.indexOf(')');
      return close < 0 ? item : item.slice(close + 1);
    });
    return `case x in ; ${items.join(' ; ')} esac`;
  });
}

/** The code of every command substitution, innermost first, and last the script with each one replaced by `x`. */
function substitutions(code: string): string[] {
  const pieces: string[] = [];
  for (let start = code.lastIndexOf('$('); start >= 0; start = code.lastIndexOf('$(')) {
    let depth = 0;
    let end = start + 1;
    for (; end < code.length; end++) {
      if (code[end] === '(') depth++;
      if (code[end] === ')' && --depth === 0) break;
    }
    if (end >= code.length) throw new Error('shell-commands: unclosed $(');
    pieces.push(code.slice(start + 2, end));
    code = `${code.slice(0, start)}x${code.slice(end + 1)}`;
  }
  return [...pieces, code];
}

/** The sorted names of the programs `script` runs (not its functions, not the shared builtins). */
export function externalCommands(script: string): string[] {
  const pieces = substitutions(scrub(script)).map((p) => dropCasePatterns(p).replace(/([<>])&/g, '$1'));
  const functions = new Set(pieces.flatMap((p) => [...p.matchAll(/^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*\)/gm)].map((m) => m[1])));
  const found = new Set<string>();
  for (const segment of pieces.flatMap((p) => p.split(/&&|\|\||[\n;&|(){}]/))) {
    const words = segment.trim().split(/\s+/).filter(Boolean);
    let k = 0;
    while (k < words.length) {
      const w = words[k];
      if (w === 'for' || w === 'case') {
        k = words.length;
      } else if (KEYWORDS.has(w) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w) || /^\d*[<>]/.test(w)) {
        // A redirection's target is the word itself (`>file`) or the next one (`> file`).
        k += /^\d*[<>]+$/.test(w) ? 2 : 1;
      } else if (w === 'exec' || (w === 'command' && !/^-[vV]$/.test(words[k + 1] ?? ''))) {
        k++;
      } else {
        break;
      }
    }
    const command = words[k];
    if (command !== undefined && !functions.has(command) && !SHARED_BUILTINS.has(command)) found.add(command);
  }
  return [...found].sort();
}
