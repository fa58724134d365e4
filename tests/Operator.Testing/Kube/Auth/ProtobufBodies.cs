using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Operator.Testing.Kube;

/// <summary>
/// Reads the protobuf request bodies kubectl's typed clients send to the authentication and authorization endpoints
/// (<c>kubectl auth can-i</c>, <c>auth whoami</c>, <c>create token</c>): the "k8s\0" envelope around runtime.Unknown,
/// whose raw bytes are decoded with the field numbers of k8s.io/api authentication/v1 and authorization/v1
/// generated.proto into the JSON the endpoints already take. Answers stay JSON, which those clients also accept.
/// </summary>
internal static class ProtobufBodies
{
    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    private static readonly Message Meta = new(new() { [1] = new("name"), [2] = new("generateName"), [3] = new("namespace") });
    private static readonly Message Strings = new(new() { [1] = new("items", Repeated: true) });
    private static readonly Message ResourceAttributes = new(new()
    {
        [1] = new("namespace"), [2] = new("verb"), [3] = new("group"), [4] = new("version"), [5] = new("resource"), [6] = new("subresource"), [7] = new("name"),
    });

    private static readonly Message NonResourceAttributes = new(new() { [1] = new("path"), [2] = new("verb") });
    private static readonly Message AccessReviewSpec = new(new()
    {
        [1] = new("resourceAttributes", Of: ResourceAttributes), [2] = new("nonResourceAttributes", Of: NonResourceAttributes),
        [3] = new("user"), [4] = new("groups", Repeated: true), [5] = new("extra", Of: Strings, Map: true), [6] = new("uid"),
    });

    private static readonly Message BoundObjectReference = new(new() { [1] = new("kind"), [2] = new("apiVersion"), [3] = new("name"), [4] = new("uid") });

    private static readonly Dictionary<string, Message> Kinds = new(StringComparer.Ordinal)
    {
        ["SelfSubjectAccessReview"] = WithSpec(AccessReviewSpec),
        ["SubjectAccessReview"] = WithSpec(AccessReviewSpec),
        ["LocalSubjectAccessReview"] = WithSpec(AccessReviewSpec),
        ["SelfSubjectRulesReview"] = WithSpec(new(new() { [1] = new("namespace") })),
        ["SelfSubjectReview"] = new(new() { [1] = new("metadata", Of: Meta) }),
        ["TokenReview"] = WithSpec(new(new() { [1] = new("token"), [2] = new("audiences", Repeated: true) })),
        ["TokenRequest"] = WithSpec(new(new()
        {
            [1] = new("audiences", Repeated: true), [3] = new("boundObjectRef", Of: BoundObjectReference), [4] = new("expirationSeconds", Number: true),
        })),
    };

    public static bool IsProtobuf(HttpContext context) =>
        (context.Request.ContentType ?? "").StartsWith("application/vnd.kubernetes.protobuf", StringComparison.OrdinalIgnoreCase);

    /// <summary>The body as JSON (apiVersion and kind from the envelope); 400 when it is not a protobuf object of a kind served here.</summary>
    public static async Task<JsonObject> ReadAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        var bytes = buffer.ToArray();
        if (!bytes.AsSpan().StartsWith(Magic))
        {
            throw KubeApiException.BadRequest("the protobuf body does not start with the k8s envelope");
        }

        var unknown = Decode(bytes.AsSpan(Magic.Length), new(new()
        {
            [1] = new("typeMeta", Of: new(new() { [1] = new("apiVersion"), [2] = new("kind") })),
            [2] = new("raw", Raw: true),
        }));
        var kind = (string?)unknown["typeMeta"]?["kind"] ?? "";
        if (!Kinds.TryGetValue(kind, out var schema) || unknown["raw"] is not JsonValue raw)
        {
            throw new KubeApiException(415, "UnsupportedMediaType", $"the emulator reads protobuf bodies only for authentication and authorization reviews and TokenRequest, not {kind}");
        }

        var body = Decode(Convert.FromBase64String((string)raw!), schema);
        body["apiVersion"] = (string?)unknown["typeMeta"]?["apiVersion"];
        body["kind"] = kind;
        return body;
    }

    private static Message WithSpec(Message spec) => new(new() { [1] = new("metadata", Of: Meta), [2] = new("spec", Of: spec) });

    private static JsonObject Decode(ReadOnlySpan<byte> data, Message schema)
    {
        var result = new JsonObject();
        var position = 0;
        while (position < data.Length)
        {
            var tag = ReadVarint(data, ref position);
            var (number, wireType) = ((int)(tag >> 3), (int)(tag & 7));
            switch (wireType)
            {
                case 0:
                    var value = ReadVarint(data, ref position);
                    if (schema.Fields.TryGetValue(number, out var numeric) && numeric.Number)
                    {
                        result[numeric.Name] = (long)value;
                    }

                    break;
                case 2:
                    var length = (int)ReadVarint(data, ref position);
                    var bytes = data.Slice(position, length);
                    position += length;
                    if (schema.Fields.TryGetValue(number, out var field))
                    {
                        Set(result, field, bytes);
                    }

                    break;
                case 1:
                    position += 8;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw KubeApiException.BadRequest($"unsupported protobuf wire type {wireType}");
            }
        }

        return result;
    }

    private static void Set(JsonObject result, Field field, ReadOnlySpan<byte> bytes)
    {
        if (field.Map)
        {
            var entry = Decode(bytes, new(new() { [1] = new("key"), [2] = new("value", Of: field.Of) }));
            var map = result[field.Name] as JsonObject ?? [];
            map[(string?)entry["key"] ?? ""] = entry["value"]?["items"]?.DeepClone() ?? new JsonArray();
            result[field.Name] = map;
            return;
        }

        JsonNode value = field.Raw ? Convert.ToBase64String(bytes) : field.Of is { } message ? Decode(bytes, message) : Encoding.UTF8.GetString(bytes);
        if (field.Repeated)
        {
            var list = result[field.Name] as JsonArray ?? [];
            list.Add(value);
            result[field.Name] = list;
        }
        else
        {
            result[field.Name] = value;
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length)
            {
                throw KubeApiException.BadRequest("truncated protobuf body");
            }

            var b = data[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw KubeApiException.BadRequest("malformed protobuf varint");
    }

    private sealed record Message(Dictionary<int, Field> Fields);

    private sealed record Field(string Name, Message? Of = null, bool Repeated = false, bool Number = false, bool Map = false, bool Raw = false);
}
