using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Operator;

/// <summary>
/// How user input is echoed in messages (conditions, API errors, logs): the one place that bounds and escapes it, and
/// that redacts credentials an endpoint may carry (user info, query values, Authorization-like headers).
/// </summary>
public static partial class Echo
{
    /// <summary>What a redacted credential shows as.</summary>
    public const string Redacted = "***";
    /// <summary>Characters of user input a message shows at most.</summary>
    public const int MaxLength = 100;

    /// <summary>
    /// Quotes user text: at most <see cref="MaxLength"/> characters, control and non-ASCII characters escaped so a
    /// message cannot break a log line or a terminal.
    /// </summary>
    public static string Quote(string? text)
    {
        text ??= "";
        var shown = Math.Min(text.Length, MaxLength);
        var builder = new StringBuilder(shown + 8);
        builder.Append('\'');
        for (var i = 0; i < shown; i++)
        {
            var c = text[i];
            if (c is < ' ' or > '~')
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        if (text.Length > MaxLength)
        {
            builder.Append("...");
        }

        return builder.Append('\'').ToString();
    }

    /// <summary>Quotes an endpoint the user wrote, with its user info, query values and fragment redacted.</summary>
    public static string Url(string? url) => Quote(Redact(url));

    /// <summary>
    /// Scrubs credentials from text that may embed URLs or HTTP headers (store errors, validation messages): the user
    /// info of every URL (<c>https://user:pass@host</c>), the value of every query parameter, fragments, and the values of
    /// Authorization, Proxy-Authorization, X-Vault-Token, X-Api-Key and Cookie headers.
    /// </summary>
    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        var scrubbed = UrlPattern().Replace(text, m =>
        {
            var builder = new StringBuilder(m.Groups["scheme"].Value);
            if (m.Groups["userinfo"].Success)
            {
                builder.Append(Redacted).Append('@');
            }

            builder.Append(m.Groups["rest"].Value);
            if (m.Groups["query"].Success)
            {
                builder.Append('?').Append(string.Join('&', m.Groups["query"].Value.Split('&').Select(p => p.Split('=', 2)[0] + "=" + Redacted)));
            }

            return m.Groups["fragment"].Success ? builder.Append('#').Append(Redacted).ToString() : builder.ToString();
        });
        return HeaderPattern().Replace(scrubbed, m => $"{m.Groups["name"].Value}{m.Groups["sep"].Value}{Redacted}");
    }

    // scheme://[userinfo@]host[:port][/path][?query][#fragment]; userinfo is anything up to the last '@' before the path.
    [GeneratedRegex(@"(?<scheme>\b[a-zA-Z][a-zA-Z0-9+.\-]*://)(?:(?<userinfo>[^/?#\s'""]*)@)?(?<rest>[^?#\s'""]*)(?:\?(?<query>[^#\s'""]*))?(?:#(?<fragment>[^\s'""]*))?", RegexOptions.CultureInvariant)]
    private static partial Regex UrlPattern();

    // A header and its value up to the end of the line, quote or separator; "Bearer x" and "Basic x" count as one value.
    [GeneratedRegex(@"(?<name>\b(?:proxy-authorization|authorization|x-vault-token|x-api-key|cookie))(?<sep>""?\s*[:=]\s*""?)(?:(?:bearer|basic|negotiate)\s+)?[^\s,;'""]+", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex HeaderPattern();
}
