using System.Text;
using System.Text.RegularExpressions;

namespace Operator.Templates;

/// <summary>Splits a PEM bundle (a certificate chain and its key, as stores often keep them) into certificates or the key.</summary>
internal static partial class Pem
{
    /// <summary>
    /// Every CERTIFICATE block in order (<paramref name="key"/> false), or the one private key block (PRIVATE KEY, RSA
    /// PRIVATE KEY, EC PRIVATE KEY, ...); each block ends with a newline. None found is a failure of <paramref name="filter"/>.
    /// </summary>
    public static string Blocks(string bundle, bool key, string filter)
    {
        var text = new StringBuilder();
        MatchCollection blocks;
        try
        {
            blocks = Block().Matches(bundle);
            _ = blocks.Count;
        }
        catch (RegexMatchTimeoutException)
        {
            throw new TemplateFailure($"{filter}: the input took too long to split", filter);
        }

        foreach (Match m in blocks)
        {
            var label = m.Groups["label"].Value;
            if (key ? label.EndsWith("PRIVATE KEY", StringComparison.Ordinal) : label == "CERTIFICATE")
            {
                text.Append(m.Value.Replace("\r\n", "\n", StringComparison.Ordinal)).Append('\n');
                if (key)
                {
                    break;
                }
            }
        }

        return text.Length > 0 ? text.ToString() : throw new TemplateFailure($"{filter}: the input holds no {(key ? "PEM private key" : "PEM certificate")}", filter);
    }

    [GeneratedRegex(@"-----BEGIN (?<label>[A-Z0-9 ]{1,40})-----\r?\n[A-Za-z0-9+/=\r\n:,\- ]{0,1048576}?-----END \k<label>-----", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Block();
}
