using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Operator.Tests.Install.Helm;

/// <summary>
/// The Go template built-ins and Sprig/Helm functions the chart calls, each as documented
/// (https://pkg.go.dev/text/template#hdr-Functions, https://masterminds.github.io/sprig/, Helm's template function list).
/// A function not listed here is an error, so a template cannot silently use something this renderer fakes.
/// </summary>
internal static class TemplateFunctions
{
    public static object? Call(string name, object?[] a) => name switch
    {
        "not" => !IsTrue(One(name, a)),
        "eq" => Compare(name, a) == 0,
        "ne" => Compare(name, a) != 0,
        "lt" => Compare(name, a) < 0,
        "le" => Compare(name, a) <= 0,
        "gt" => Compare(name, a) > 0,
        "ge" => Compare(name, a) >= 0,
        "int" => ToInt(One(name, a)),
        "toString" => Print(One(name, a)),
        "empty" => !IsTrue(One(name, a)),
        "default" => a.Length == 2 ? (IsTrue(a[1]) ? a[1] : a[0]) : a[0],
        "required" => a[1] is null || (a[1] is string s && s.Length == 0) ? throw new TemplateException((string)a[0]!) : a[1],
        "fail" => throw new TemplateException((string)a[0]!),
        "printf" => Printf((string)a[0]!, a[1..]),
        "quote" => string.Join(' ', a.Where(v => v is not null).Select(v => GoQuote(Print(v)))),
        "trunc" => Trunc((int)ToInt(a[0]), Print(a[1])),
        "trimSuffix" => Print(a[1]) is var t && t.EndsWith((string)a[0]!, StringComparison.Ordinal) ? t[..^((string)a[0]!).Length] : Print(a[1]),
        "replace" => Print(a[2]).Replace((string)a[0]!, (string)a[1]!, StringComparison.Ordinal),
        "contains" => Print(a[1]).Contains(Print(a[0]), StringComparison.Ordinal),
        "join" => string.Join((string)a[0]!, (a[1] as List<object?> ?? []).Select(Print)),
        "toYaml" => TemplateYaml.Write(One(name, a)).TrimEnd('\n'),
        "indent" => Indent((int)ToInt(a[0]), Print(a[1])),
        "nindent" => "\n" + Indent((int)ToInt(a[0]), Print(a[1])),
        _ => throw new TemplateException($"function \"{name}\" not defined"),
    };

    /// <summary>Go's truth: false, 0, nil and empty strings, lists and maps are false.</summary>
    public static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool b => b,
        long n => n != 0,
        double d => d != 0,
        string s => s.Length > 0,
        List<object?> l => l.Count > 0,
        Dictionary<string, object?> m => m.Count > 0,
        _ => true,
    };

    /// <summary>How <c>{{ value }}</c> prints: Go's %v, with Helm's "&lt;no value&gt;" removed.</summary>
    public static string Print(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        long n => n.ToString(CultureInfo.InvariantCulture),
        double d => Float(d),
        string s => s,
        List<object?> l => "[" + string.Join(' ', l.Select(Print)) + "]",
        Dictionary<string, object?> m => "map[" + string.Join(' ', m.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}:{Print(p.Value)}")) + "]",
        _ => value.ToString() ?? "",
    };

    /// <summary>Go's strconv.FormatFloat(f, 'g', -1, 64): shortest digits, exponent form from 1e+06 up (Helm's large-number surprise).</summary>
    private static string Float(double d)
    {
        if (d == Math.Floor(d) && Math.Abs(d) < 1e6)
        {
            return ((long)d).ToString(CultureInfo.InvariantCulture);
        }

        var r = d.ToString("R", CultureInfo.InvariantCulture);
        var exponent = (int)Math.Floor(Math.Log10(Math.Abs(d)));
        if (exponent < -4 || exponent >= 21 || (d == Math.Floor(d) && exponent >= 6))
        {
            var mantissa = (d / Math.Pow(10, exponent)).ToString("R", CultureInfo.InvariantCulture);
            return $"{mantissa}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
        }

        return r;
    }

    private static object? One(string name, object?[] a) => a.Length == 1 ? a[0] : throw new TemplateException($"wrong number of args for {name}: want 1 got {a.Length}");

    /// <summary>Sprig's toInt (cast.ToInt): numbers truncate, numeric strings parse, anything else is 0.</summary>
    private static long ToInt(object? value) => value switch
    {
        long n => n,
        double d => (long)d,
        bool b => b ? 1 : 0,
        string s when long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => n,
        _ => 0,
    };

    /// <summary>Go's comparison functions: basic values of the same kind only; int against float is an error, as in Go.</summary>
    private static int Compare(string name, object?[] a)
    {
        if (a.Length != 2)
        {
            throw new TemplateException($"wrong number of args for {name}: want 2 got {a.Length}");
        }

        return (a[0], a[1]) switch
        {
            (long x, long y) => x.CompareTo(y),
            (double x, double y) => x.CompareTo(y),
            (string x, string y) => string.CompareOrdinal(x, y),
            (bool x, bool y) when name is "eq" or "ne" => x == y ? 0 : 1,
            (null, null) when name is "eq" or "ne" => 0,
            var (x, y) => throw new TemplateException($"error calling {name}: incompatible types for comparison ({x?.GetType().Name ?? "nil"} and {y?.GetType().Name ?? "nil"})"),
        };
    }

    private static string Printf(string format, object?[] args)
    {
        var output = new StringBuilder();
        var next = 0;
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                output.Append(format[i]);
                continue;
            }

            var verb = format[++i];
            output.Append(verb switch
            {
                '%' => "%",
                's' or 'v' or 'd' => Print(args[next++]),
                'q' => GoQuote(Print(args[next++])),
                _ => throw new TemplateException($"printf verb %{verb} is not supported here"),
            });
        }

        return output.ToString();
    }

    private static string Trunc(int length, string text) => length >= 0 ? (text.Length > length ? text[..length] : text) : (text.Length > -length ? text[(text.Length + length)..] : text);

    /// <summary>Sprig's indent: every line, empty ones included, gets the spaces.</summary>
    private static string Indent(int spaces, string text)
    {
        var pad = new string(' ', spaces);
        return pad + text.Replace("\n", "\n" + pad, StringComparison.Ordinal);
    }

    /// <summary>Go's strconv.Quote, which Sprig's quote and printf's %q use: backslash escapes, never \u for printable text.</summary>
    public static string GoQuote(string text)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in text)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' or '\u007f' => "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return quoted.Append('"').ToString();
    }
}
