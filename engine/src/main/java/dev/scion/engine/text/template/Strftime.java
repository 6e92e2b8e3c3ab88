package dev.scion.engine.text.template;

import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/** Python's {@code time.strftime} directives (C locale), including glibc's {@code %-d} no-padding form. */
final class Strftime {
  private Strftime() {}

  static String format(String pattern, ZonedDateTime t, Pos at) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c != '%' || i + 1 >= pattern.length()) {
        out.append(c);
        continue;
      }
      char d = pattern.charAt(++i);
      boolean pad = true;
      if (d == '-' && i + 1 < pattern.length()) {
        pad = false;
        d = pattern.charAt(++i);
      }
      switch (d) {
        case 'Y': out.append(t.getYear()); break;
        case 'y': out.append(number(t.getYear() % 100, 2, pad)); break;
        case 'm': out.append(number(t.getMonthValue(), 2, pad)); break;
        case 'd': out.append(number(t.getDayOfMonth(), 2, pad)); break;
        case 'e': out.append(String.format("%2d", t.getDayOfMonth())); break;
        case 'j': out.append(number(t.getDayOfYear(), 3, pad)); break;
        case 'H': out.append(number(t.getHour(), 2, pad)); break;
        case 'I': out.append(number(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12, 2, pad)); break;
        case 'M': out.append(number(t.getMinute(), 2, pad)); break;
        case 'S': out.append(number(t.getSecond(), 2, pad)); break;
        case 'f': out.append(number(t.getNano() / 1000, 6, true)); break;
        case 'p': out.append(t.getHour() < 12 ? "AM" : "PM"); break;
        case 'a': out.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH)); break;
        case 'A': out.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH)); break;
        case 'b': case 'h': out.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH)); break;
        case 'B': out.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH)); break;
        case 'w': out.append(t.getDayOfWeek().getValue() % 7); break;
        case 'u': out.append(t.getDayOfWeek().getValue()); break;
        case 'z': {
          int seconds = t.getOffset().getTotalSeconds();
          out.append(seconds < 0 ? '-' : '+').append(number(Math.abs(seconds) / 3600, 2, true))
              .append(number(Math.abs(seconds) / 60 % 60, 2, true));
          break;
        }
        case 'Z': out.append(t.getZone().getDisplayName(TextStyle.SHORT, Locale.ENGLISH)); break;
        case 'F': out.append(format("%Y-%m-%d", t, at)); break;
        case 'T': out.append(format("%H:%M:%S", t, at)); break;
        case '%': out.append('%'); break;
        default: throw at.error("strftime_now: unsupported directive '%" + d + "'");
      }
    }
    return out.toString();
  }

  private static String number(int value, int width, boolean pad) {
    String s = String.valueOf(value);
    return pad && s.length() < width ? "0".repeat(width - s.length()) + s : s;
  }
}
