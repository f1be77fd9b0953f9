/* Uploads larger than their limit are refused in the browser, before a byte is sent.
 *
 * ipywidgets' FileUpload reads every chosen file and sends it whole over the kernel's websocket;
 * the kernel can refuse a file only after it has all of it. A view states its limits as classes on
 * the upload widget: `max-file-bytes-N` (each file at most N bytes) and `max-bytes-N` (the files of
 * one choice together at most N bytes). This script reads them when files are chosen; a choice
 * past a limit is stopped before the widget reads it, the choice is emptied and a message in words
 * appears under the button. The kernel's own checks stay: this is only an early refusal.
 *
 * How: the widget's <input type="file"> is not in the page; the widget's button calls its click().
 * So that click() is watched, and the input gets a capturing `change` listener, which runs before
 * the widget's own (non-capturing) listener on the same input: at the target, browsers run capturing
 * listeners first (WebKit, and Chrome since 89; whatwg/dom#685).
 *
 * Included in the workbook and projector templates (index.html.j2). No template syntax in this file.
 */
(function () {
  'use strict';
  if (window.rwUploadLimit) { return; }
  window.rwUploadLimit = true;

  const NOTE = 'rw-upload-refused';

  const limitsOf = (widget) => {
    const limits = {};
    for (const name of widget.classList) {
      const match = /^max-(file-)?bytes-(\d+)$/.exec(name);
      if (match) { limits[match[1] ? 'file' : 'total'] = Number(match[2]); }
    }
    return limits;
  };

  const size = (bytes) => {
    if (bytes >= 1e6) { return (Math.round(bytes / 1e5) / 10).toLocaleString('en-GB') + ' MB'; }
    if (bytes >= 1e3) { return Math.round(bytes / 1e3).toLocaleString('en-GB') + ' kB'; }
    return bytes + ' bytes';
  };

  const problem = (files, limits) => {
    if (limits.file !== undefined) {
      const large = files.filter((file) => file.size > limits.file);
      if (large.length === 1) {
        return '\u201c' + large[0].name + '\u201d is ' + size(large[0].size) + '; each file may be at most ' + size(limits.file) + '.';
      }
      if (large.length > 1) {
        return large.length + ' of the files chosen are larger than ' + size(limits.file) + ', the most each file may be.';
      }
    }
    if (limits.total !== undefined) {
      const total = files.reduce((sum, file) => sum + file.size, 0);
      if (total > limits.total) {
        const what = files.length === 1
          ? '\u201c' + files[0].name + '\u201d is ' + size(total)
          : 'the ' + files.length + ' files chosen come to ' + size(total);
        const room = limits.total === 0 ? 'there is no room left here' : 'this upload takes at most ' + size(limits.total) + ' at a time';
        return what.charAt(0).toUpperCase() + what.slice(1) + '; ' + room + '.';
      }
    }
    return null;
  };

  // The message goes under the button's row (or under the button, if it stands alone).
  const anchorOf = (widget) => {
    const row = widget.parentElement;
    return row && row.classList.contains('widget-hbox') ? row : widget;
  };

  const noteAfter = (widget) => {
    const next = anchorOf(widget).nextElementSibling;
    return next && next.classList.contains(NOTE) ? next : null;
  };

  const say = (widget, text) => {
    let note = noteAfter(widget);
    if (!note) {
      note = document.createElement('p');
      note.className = NOTE;
      note.setAttribute('role', 'alert');
      note.style.cssText = 'margin: 0.4em 0; padding-left: 0.6em; border-left: 4px solid currentColor; font-weight: 600;';
      anchorOf(widget).insertAdjacentElement('afterend', note);
    }
    note.textContent = '\u26a0 Not sent: ' + text + ' Nothing was uploaded. Choose a smaller file, or fewer files at a time.';
  };

  const guard = (input, widget) => {
    input.addEventListener('change', (event) => {
      const text = problem(Array.from(input.files || []), limitsOf(widget));
      if (text === null) {
        const note = noteAfter(widget);
        if (note) { note.remove(); }
        return;
      }
      event.stopImmediatePropagation();  // the widget never reads the files, so nothing is sent
      input.value = '';
      say(widget, text);
    }, true);
  };

  // The upload button being pressed (by mouse, or by Enter or Space, which click a button).
  let pressed = null;
  document.addEventListener('click', (event) => {
    const target = event.target;
    pressed = target && target.closest ? target.closest('.widget-upload') : null;
  }, true);
  window.addEventListener('click', () => { pressed = null; });

  const click = HTMLInputElement.prototype.click;
  HTMLInputElement.prototype.click = function () {
    if (this.type === 'file' && pressed && !this.rwUploadGuarded) {
      this.rwUploadGuarded = true;
      guard(this, pressed);
    }
    return click.apply(this, arguments);
  };
})();
