/* Form, query string and cookie parsing (see web_form.h). */
#include "web_form.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static int hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

int web_text_ok(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    unsigned c = p[i];
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\r' && c != '\n')
        return 0;
      if (c == 0x7f)
        return 0;
      i++;
      continue;
    }
    size_t n;
    unsigned cp;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return 0;
    }
    if (n > len - i - 1)
      return 0;
    for (size_t k = 1; k <= n; k++) {
      if ((p[i + k] & 0xc0) != 0x80)
        return 0;
      cp = (cp << 6) | (p[i + k] & 0x3f);
    }
    /* Overlong forms, surrogates and code points past U+10FFFF. */
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return 0;
    i += n + 1;
  }
  return 1;
}

/* Decodes src (len bytes) into a new string; NULL when malformed or
 * longer than max once decoded. */
static char *decode(const char *src, size_t len, size_t max, const char **why) {
  char *out = xmalloc(len + 1);
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    char c = src[i];
    if (c == '+') {
      c = ' ';
    } else if (c == '%') {
      if (i + 2 >= len) {
        *why = "a % not followed by two hex digits";
        goto bad;
      }
      int h = hexval(src[i + 1]), l = hexval(src[i + 2]);
      if (h < 0 || l < 0) {
        *why = "a % not followed by two hex digits";
        goto bad;
      }
      c = (char)(h * 16 + l);
      i += 2;
    }
    out[o++] = c;
    if (o > max) {
      *why = "too long";
      goto bad;
    }
  }
  out[o] = '\0';
  if (!web_text_ok(out, o)) {
    *why = "not valid UTF-8 text";
    goto bad;
  }
  return out;
bad:
  free(out);
  return NULL;
}

void web_form_add(web_form *form, const char *name, const char *value) {
  form->fields = xgrow(form->fields, &form->cap, form->n + 1, sizeof *form->fields);
  form->fields[form->n].name = xstrdup(name);
  form->fields[form->n].value = xstrdup(value);
  form->n++;
}

int web_form_add_arg(web_form *form, const char *name, const char *value) {
  if (!value)
    value = "";
  size_t nl = strlen(name), vl = strlen(value);
  if (form->n >= WEB_FORM_MAX_FIELDS || nl == 0 || nl > WEB_FORM_MAX_NAME ||
      vl > WEB_FORM_MAX_VALUE || !web_text_ok(name, nl) || !web_text_ok(value, vl))
    return -1;
  web_form_add(form, name, value);
  return 0;
}

int web_form_parse(web_form *form, const char *data, size_t len, char *err, size_t errlen) {
  size_t i = 0, nfield = 0;
  while (i < len) {
    size_t end = i;
    while (end < len && data[end] != '&')
      end++;
    if (end > i) {
      nfield++;
      if (form->n >= WEB_FORM_MAX_FIELDS) {
        snprintf(err, errlen, "more than %d fields", WEB_FORM_MAX_FIELDS);
        return -1;
      }
      size_t eq = i;
      while (eq < end && data[eq] != '=')
        eq++;
      const char *why = NULL;
      char *name = decode(data + i, eq - i, WEB_FORM_MAX_NAME, &why);
      if (!name) {
        snprintf(err, errlen, "field %zu: its name is %s", nfield, why);
        return -1;
      }
      if (!*name) {
        free(name);
        snprintf(err, errlen, "field %zu has no name", nfield);
        return -1;
      }
      char *value =
          eq < end ? decode(data + eq + 1, end - eq - 1, WEB_FORM_MAX_VALUE, &why) : xstrdup("");
      if (!value) {
        snprintf(err, errlen, "field '%.*s': its value is %s", 64, name, why);
        free(name);
        return -1;
      }
      form->fields = xgrow(form->fields, &form->cap, form->n + 1, sizeof *form->fields);
      form->fields[form->n].name = name;
      form->fields[form->n].value = value;
      form->n++;
    }
    i = end + 1;
  }
  return 0;
}

const char *web_form_get(const web_form *form, const char *name) {
  for (size_t i = 0; i < form->n; i++)
    if (strcmp(form->fields[i].name, name) == 0)
      return form->fields[i].value;
  return NULL;
}

void web_form_free(web_form *form) {
  for (size_t i = 0; i < form->n; i++) {
    free(form->fields[i].name);
    free(form->fields[i].value);
  }
  free(form->fields);
  form->fields = NULL;
  form->n = form->cap = 0;
}

/* RFC 6265 cookie-octet. */
static bool cookie_octet(unsigned char c) {
  return c == 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) ||
         (c >= 0x3c && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
}

int web_cookie_get(const char *header, const char *name, char *out, size_t outlen) {
  if (!header)
    return -1;
  size_t nlen = strlen(name);
  const char *p = header;
  while (*p) {
    while (*p == ' ' || *p == '\t' || *p == ';')
      p++;
    const char *start = p;
    while (*p && *p != '=' && *p != ';')
      p++;
    size_t klen = (size_t)(p - start);
    while (klen && (start[klen - 1] == ' ' || start[klen - 1] == '\t'))
      klen--;
    if (*p != '=') {
      continue;
    }
    p++;
    while (*p == ' ' || *p == '\t')
      p++;
    const char *v = p;
    while (*p && *p != ';')
      p++;
    size_t vlen = (size_t)(p - v);
    while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
      vlen--;
    if (klen == nlen && memcmp(start, name, nlen) == 0) {
      if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
        v++;
        vlen -= 2;
      }
      if (vlen + 1 > outlen)
        return -1;
      for (size_t i = 0; i < vlen; i++)
        if (!cookie_octet((unsigned char)v[i]))
          return -1;
      memcpy(out, v, vlen);
      out[vlen] = '\0';
      return 0;
    }
  }
  return -1;
}
