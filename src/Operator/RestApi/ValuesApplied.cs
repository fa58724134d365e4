using System.Text.Json.Nodes;
using Operator.Controllers;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;
using Operator.Stores;

namespace Operator.RestApi;

/// <summary>What a PUT of values did: the saved group, values written, keys removed, values deleted from the store.</summary>
public sealed record ValuesApplied(SecretGroup Group, int Written, int Removed, int Deleted);
