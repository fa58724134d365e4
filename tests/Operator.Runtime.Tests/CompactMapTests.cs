using Operator.Runtime;

namespace Operator.Runtime.Tests;

public sealed class CompactMapTests
{
    [Fact]
    public void ReadsWritesAndRemoves_LikeADictionary_InInsertionOrder()
    {
        var map = new CompactMap(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" });
        IDictionary<string, string> reference = new Dictionary<string, string>(StringComparer.Ordinal) { ["a"] = "1", ["b"] = "2" };

        foreach (var m in new[] { map, reference })
        {
            m["c"] = "3";
            m["a"] = "10";
            m.Add("d", "4");
            Assert.True(m.Remove("b"));
            Assert.False(m.Remove("zz"));
            Assert.Throws<ArgumentException>(() => m.Add("c", "again"));
            Assert.Throws<KeyNotFoundException>(() => m["B"]);
        }

        Assert.Equal(reference, map);
        Assert.Equal(["a", "c", "d"], map.Keys);
        Assert.Equal(["10", "3", "4"], map.Values);
        Assert.True(map.TryGetValue("d", out var d) && d == "4");
        Assert.False(map.ContainsKey("A"));
        Assert.Contains(new KeyValuePair<string, string>("c", "3"), map);
        Assert.Equal(3, map.Count);

        map.Clear();
        Assert.Empty(map);
        map["x"] = "y";
        Assert.Equal("y", map["x"]);
    }

    [Fact]
    public void SerializesAsTheDictionaryItReplaces()
    {
        var labels = new Dictionary<string, string> { ["app"] = "payments", ["tier"] = "web" };
        var meta = new k8s.Models.V1ObjectMeta { Name = "x", Labels = labels };
        var compact = new k8s.Models.V1ObjectMeta { Name = "x", Labels = new CompactMap(labels) };

        Assert.Equal(k8s.KubernetesJson.Serialize(meta), k8s.KubernetesJson.Serialize(compact));
    }
}
