using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Fluid;
using Fluid.Values;

namespace Operator.Templates;

/// <summary>
/// The filters templates get besides Liquid's own: base64, JSON, PEM blocks, bcrypt/htpasswd and a few aliases. A filter
/// that fails says what failed, never the value (<see cref="TemplateFailure"/>).
/// </summary>
internal static class TemplateFilters
{
    /// <summary>bcrypt's work factor; htpasswd and nginx accept it, and it keeps one hash near 50-100 ms.</summary>
    public const int BcryptWorkFactor = 10;

    /// <summary>bcrypt calls per group render: each costs tens of milliseconds on purpose.</summary>
    public const int MaxBcryptCalls = 10;

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void AddTo(FilterCollection filters)
    {
        filters.AddFilter("b64enc", (input, _, ctx) => new StringValue(Convert.ToBase64String(RenderState.Of(ctx).BytesOf(input))));
        filters.AddFilter("b64dec", (input, _, ctx) => RenderState.Of(ctx).Text(FromBase64(input.ToStringValue())));
        filters.AddFilter("fromjson", (input, _, ctx) => FluidValue.Create(FromJson(input.ToStringValue()), ctx.Options));
        filters.AddFilter("tojson", (input, _, _) => new StringValue(JsonSerializer.Serialize(Plain(input), Json)));
        filters.AddFilter("pem_certs", (input, _, _) => new StringValue(Pem.Blocks(input.ToStringValue(), key: false, "pem_certs")));
        filters.AddFilter("pem_key", (input, _, _) => new StringValue(Pem.Blocks(input.ToStringValue(), key: true, "pem_key")));
        filters.AddFilter("bcrypt", (input, _, ctx) => new StringValue(Bcrypt(input.ToStringValue(), ctx)));
        filters.AddFilter("htpasswd", (input, args, ctx) =>
            new StringValue(input.ToStringValue() + ":" + Bcrypt(args.At(0).IsNil() ? throw new TemplateFailure("htpasswd needs the password as its argument: {{ USER | htpasswd: PASSWORD }}", "htpasswd") : args.At(0).ToStringValue(), ctx)));
        Alias(filters, "trim", "strip");
        Alias(filters, "upper", "upcase");
        Alias(filters, "lower", "downcase");
    }

    private static void Alias(FilterCollection filters, string alias, string name)
    {
        if (filters.TryGetValue(name, out var filter))
        {
            filters.AddFilter(alias, filter);
        }
    }

    private static byte[] FromBase64(string text)
    {
        try
        {
            return Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            throw new TemplateFailure("b64dec: the input is not base64", "b64dec");
        }
    }

    private static object? FromJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 32 });
            return ToPlain(document.RootElement);
        }
        catch (JsonException e)
        {
            // JsonException's message can quote the character it stopped at; only the position is kept.
            throw new TemplateFailure($"fromjson: the input is not JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1} of the value)", "fromjson");
        }
    }

    private static object? ToPlain(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().GroupBy(p => p.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => ToPlain(g.Last().Value), StringComparer.Ordinal),
        JsonValueKind.Array => e.EnumerateArray().Select(ToPlain).ToList(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.GetDecimal(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>A Liquid value as plain .NET objects for JSON: maps, lists, strings, numbers, booleans, null.</summary>
    private static object? Plain(FluidValue value) => value switch
    {
        NilValue or EmptyValue => null,
        BooleanValue b => b.ToBooleanValue(),
        NumberValue n => n.ToNumberValue(),
        StringValue s => s.ToStringValue(),
        ArrayValue a => a.Values.Select(Plain).ToList(),
        DictionaryValue or ObjectValue => Object(value.ToObjectValue()),
        _ => value.ToStringValue(),
    };

    private static object? Object(object? value) => value switch
    {
        IDictionary<string, object?> map => map.ToDictionary(p => p.Key, p => Object(p.Value), StringComparer.Ordinal),
        IDictionary<string, FluidValue> map => map.ToDictionary(p => p.Key, p => Plain(p.Value), StringComparer.Ordinal),

        // What fromjson's maps become (a DictionaryValue over an indexable): by key, not the wrapper's own properties.
        IFluidIndexable map => map.Keys.ToDictionary(k => k, k => map.TryGetValue(k, out var v) ? Plain(v) : null, StringComparer.Ordinal),
        FluidValue fluid => Plain(fluid),
        string text => text,
        IEnumerable<object?> list => list.Select(Object).ToList(),
        _ => value,
    };

    /// <summary>
    /// A bcrypt hash whose salt is derived from the group's uid, the Secret key and the password: the same password
    /// gives the same hash at every sync (no rewrite, no rollout), and differs between groups and keys.
    /// </summary>
    private static string Bcrypt(string password, TemplateContext ctx)
    {
        var state = RenderState.Of(ctx);
        if (++state.BcryptCalls > MaxBcryptCalls)
        {
            throw new TemplateFailure($"more than {MaxBcryptCalls} bcrypt/htpasswd calls in one group", "bcrypt");
        }

        if (Encoding.UTF8.GetByteCount(password) > 72)
        {
            throw new TemplateFailure("bcrypt: the password is longer than bcrypt's 72 bytes", "bcrypt");
        }

        var seed = HMACSHA256.HashData(Encoding.UTF8.GetBytes(state.SaltKey), Encoding.UTF8.GetBytes(password));
        var salt = $"$2a${BcryptWorkFactor:00}${BcryptBase64(seed.AsSpan(0, 16))}";
        return BCrypt.Net.BCrypt.HashPassword(password, salt);
    }

    /// <summary>bcrypt's own base64 (alphabet ./A-Za-z0-9, no padding): 16 bytes become 22 characters.</summary>
    private static string BcryptBase64(ReadOnlySpan<byte> bytes)
    {
        const string alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        var text = new StringBuilder();
        for (var i = 0; i < bytes.Length; i += 3)
        {
            var c1 = bytes[i];
            var c2 = i + 1 < bytes.Length ? bytes[i + 1] : 0;
            var c3 = i + 2 < bytes.Length ? bytes[i + 2] : 0;
            text.Append(alphabet[c1 >> 2]);
            text.Append(alphabet[((c1 & 0x03) << 4) | (c2 >> 4)]);
            if (i + 1 < bytes.Length)
            {
                text.Append(alphabet[((c2 & 0x0f) << 2) | (c3 >> 6)]);
            }

            if (i + 2 < bytes.Length)
            {
                text.Append(alphabet[c3 & 0x3f]);
            }
        }

        return text.ToString();
    }
}
