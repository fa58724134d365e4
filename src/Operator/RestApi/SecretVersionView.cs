using System.Text;
using Operator.Stores;

namespace Operator.RestApi;

/// <summary>One version of a secret's value as the store keeps it.</summary>
public sealed record SecretVersionView(string Id, string Fqn, string SecretId, string Version, string? Value, string? ValueBase64);
