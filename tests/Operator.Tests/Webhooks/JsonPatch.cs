using System.Text.Json.Nodes;

namespace Operator.Tests.Webhooks;

/// <summary>A tiny RFC 6902 applier (add, replace, remove) for asserting on the webhook's patches.</summary>
internal static class JsonPatch
{
    public static JsonObject Apply(JsonObject document, JsonArray operations)
    {
        var root = (JsonObject)document.DeepClone();
        foreach (var operation in operations)
        {
            var op = operation!["op"]!.GetValue<string>();
            var tokens = operation["path"]!.GetValue<string>().Split('/').Skip(1).Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToList();
            var parent = tokens.SkipLast(1).Aggregate((JsonNode)root, (node, token) =>
                node is JsonArray a ? a[int.Parse(token)]! : node[token] ?? throw new InvalidOperationException($"path {operation["path"]} does not exist"));
            var last = tokens[^1];
            var value = operation["value"]?.DeepClone();
            switch (op, parent)
            {
                case ("add", JsonArray array):
                    if (last == "-")
                    {
                        array.Add(value);
                    }
                    else
                    {
                        array.Insert(int.Parse(last), value);
                    }

                    break;
                case ("add", JsonObject obj):
                    obj[last] = value;
                    break;
                case ("replace", JsonArray array):
                    _ = array[int.Parse(last)] ?? throw new InvalidOperationException("replace of a missing element");
                    array[int.Parse(last)] = value;
                    break;
                case ("replace", JsonObject obj):
                    Assert.True(obj.ContainsKey(last), $"replace of missing member {operation["path"]}");
                    obj[last] = value;
                    break;
                case ("remove", JsonArray array):
                    array.RemoveAt(int.Parse(last));
                    break;
                case ("remove", JsonObject obj):
                    Assert.True(obj.Remove(last), $"remove of missing member {operation["path"]}");
                    break;
                default:
                    throw new InvalidOperationException($"unsupported op {op} on {parent?.GetType().Name}");
            }
        }

        return root;
    }
}
