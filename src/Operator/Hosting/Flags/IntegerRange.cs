namespace Operator.Hosting.Flags;

/// <summary>A regular expression matching exactly the decimal integers from a low to a high bound, without leading zeros.</summary>
public static class IntegerRange
{
    public static string Pattern(long low, long high)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(low);
        ArgumentOutOfRangeException.ThrowIfLessThan(high, low);
        var parts = new List<string>();
        for (var digits = Digits(low); digits <= Digits(high); digits++)
        {
            var from = Math.Max(low, digits == 1 ? 0 : Pow10(digits - 1));
            var to = Math.Min(high, Pow10(digits) - 1);
            parts.Add(SameLength(Text(from), Text(to)));
        }

        return string.Join('|', parts);
    }

    // a and b have the same number of digits and a <= b.
    private static string SameLength(string a, string b)
    {
        if (a == b)
        {
            return a;
        }

        if (a.Length == 1)
        {
            return $"[{a}-{b}]";
        }

        if (a[0] == b[0])
        {
            return a[0] + Group(SameLength(a[1..], b[1..]));
        }

        var rest = a.Length - 1;
        var (zeros, nines) = (new string('0', rest), new string('9', rest));
        var parts = new List<string>();
        var firstFull = a[0];
        if (a[1..] != zeros)
        {
            parts.Add(a[0] + Group(SameLength(a[1..], nines)));
            firstFull++;
        }

        var lastFull = b[1..] == nines ? b[0] : (char)(b[0] - 1);
        if (firstFull <= lastFull)
        {
            parts.Add((firstFull == lastFull ? firstFull.ToString() : $"[{firstFull}-{lastFull}]") + $"[0-9]{{{rest}}}");
        }

        if (b[1..] != nines)
        {
            parts.Add(b[0] + Group(SameLength(zeros, b[1..])));
        }

        return string.Join('|', parts);
    }

    private static string Group(string pattern) => pattern.Contains('|', StringComparison.Ordinal) ? $"({pattern})" : pattern;

    private static int Digits(long n) => Text(n).Length;

    private static string Text(long n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static long Pow10(int n) => (long)Math.Pow(10, n);
}
