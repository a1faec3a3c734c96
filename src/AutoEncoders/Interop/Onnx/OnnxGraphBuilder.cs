using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Google.Protobuf;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Interop.Onnx;

/// <summary>
/// Collects the nodes, weights, inputs and outputs of one ONNX graph and writes it as a ModelProto (ONNX's
/// onnx.proto, written field by field with Google.Protobuf's <see cref="CodedOutputStream"/>: only the messages an
/// exported autoencoder needs). Values are named by the builder, so exporters only pass names along.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    /// <summary>The operator set every exported file imports (the default ONNX domain).</summary>
    public const int Opset = 17;

    /// <summary>The IR version matching <see cref="Opset"/> (ONNX 1.12).</summary>
    public const int IrVersion = 8;

    /// <summary>The name of the dynamic batch axis in every input and output shape.</summary>
    public const string BatchAxis = "batch";

    private const int FloatType = 1;
    private const int Int64Type = 7;

    private readonly List<NodeEntry> _nodes = [];
    private readonly List<WeightEntry> _initializers = [];
    private readonly Dictionary<string, string> _initializerByKey = new(StringComparer.Ordinal);
    private readonly List<(string Name, int Type, long[] Dims)> _inputs = [];
    private readonly List<(string Name, int Type, long[] Dims)> _outputs = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _counter;

    /// <summary>Put before the key of every weight and constant added from now on (keeps the weights of several models in one graph apart).</summary>
    public string WeightPrefix { get; set; } = string.Empty;

    /// <summary>Declares a float32 graph input of shape [batch, ..<paramref name="sampleShape"/>].</summary>
    public string Input(string name, IReadOnlyList<long> sampleShape)
    {
        Claim(name);
        _inputs.Add((name, FloatType, [-1, .. sampleShape]));
        return name;
    }

    /// <summary>Declares <paramref name="value"/> as the float32 graph output <paramref name="name"/> of shape [batch, ..<paramref name="sampleShape"/>].</summary>
    public void Output(string name, string value, IReadOnlyList<long> sampleShape)
    {
        Claim(name);
        _nodes.Add(new NodeEntry("Identity", [value], [name], []));
        _outputs.Add((name, FloatType, [-1, .. sampleShape]));
    }

    /// <summary>A float32 weight; the same <paramref name="key"/> gives the same initializer (tied weights stay tied).</summary>
    public string Weight(string key, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        key = WeightPrefix + key;
        if (_initializerByKey.TryGetValue(key, out string? existing))
        {
            return existing;
        }

        using var scope = torch.NewDisposeScope();
        float[] data = tensor.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        return AddWeight(key, data, tensor.shape);
    }

    /// <summary>A float32 constant with its values.</summary>
    public string Floats(string key, float[] values, params long[] dims)
    {
        ArgumentNullException.ThrowIfNull(values);
        key = WeightPrefix + key;
        return _initializerByKey.TryGetValue(key, out string? existing) ? existing : AddWeight(key, values, dims.Length == 0 && values.Length != 1 ? [values.Length] : dims);
    }

    /// <summary>An int64 constant (a shape, axes, indices) with its values, one-dimensional.</summary>
    public string Int64s(string hint, params long[] values)
    {
        string name = Fresh(hint);
        byte[] raw = new byte[values.Length * sizeof(long)];
        MemoryMarshal.AsBytes(values.AsSpan()).CopyTo(raw);
        _initializers.Add(new WeightEntry(name, Int64Type, [values.Length], raw));
        return name;
    }

    /// <summary>Adds a node with one output; returns the output's name.</summary>
    public string Node(string op, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes) => Node(op, inputs, 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputs"/> outputs; returns their names.</summary>
    public string[] Node(string op, IReadOnlyList<string> inputs, int outputs, params OnnxAttribute[] attributes)
    {
        string[] names = [.. Enumerable.Range(0, outputs).Select(_ => Fresh(op.ToLowerInvariant()))];
        _nodes.Add(new NodeEntry(op, [.. inputs], names, attributes));
        return names;
    }

    /// <summary>The ModelProto bytes: opset <see cref="Opset"/>, IR <see cref="IrVersion"/>, the graph and <paramref name="metadata"/>.</summary>
    public byte[] ToModel(string graphName, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        output.WriteTag(1, WireFormat.WireType.Varint);
        output.WriteInt64(IrVersion);
        WriteString(output, 2, "AutoEncoders");
        WriteString(output, 3, typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString() ?? "0");
        WriteMessage(output, 7, g => WriteGraph(g, graphName));
        WriteMessage(output, 8, o =>
        {
            WriteString(o, 1, string.Empty);
            o.WriteTag(2, WireFormat.WireType.Varint);
            o.WriteInt64(Opset);
        });
        foreach ((string key, string value) in metadata)
        {
            WriteMessage(output, 14, m =>
            {
                WriteString(m, 1, key);
                WriteString(m, 2, value);
            });
        }

        output.Flush();
        return buffer.ToArray();
    }

    private string AddWeight(string key, float[] data, long[] dims)
    {
        string name = Fresh(key);
        byte[] raw = new byte[data.Length * sizeof(float)];
        MemoryMarshal.AsBytes(data.AsSpan()).CopyTo(raw);
        _initializers.Add(new WeightEntry(name, FloatType, dims, raw));
        _initializerByKey[key] = name;
        return name;
    }

    private void Claim(string name)
    {
        if (!_names.Add(name))
        {
            throw new InvalidOperationException($"The ONNX graph already has a value named '{name}'.");
        }
    }

    private string Fresh(string hint)
    {
        string name = hint;
        while (!_names.Add(name))
        {
            name = string.Create(CultureInfo.InvariantCulture, $"{hint}_{++_counter}");
        }

        return name;
    }

    private void WriteGraph(CodedOutputStream output, string graphName)
    {
        foreach (NodeEntry node in _nodes)
        {
            WriteMessage(output, 1, n => WriteNode(n, node));
        }

        WriteString(output, 2, graphName);
        foreach (WeightEntry weight in _initializers)
        {
            WriteMessage(output, 5, t =>
            {
                foreach (long d in weight.Dims)
                {
                    t.WriteTag(1, WireFormat.WireType.Varint);
                    t.WriteInt64(d);
                }

                t.WriteTag(2, WireFormat.WireType.Varint);
                t.WriteInt32(weight.Type);
                WriteString(t, 8, weight.Name);
                t.WriteTag(9, WireFormat.WireType.LengthDelimited);
                t.WriteBytes(ByteString.CopyFrom(weight.Raw));
            });
        }

        foreach ((string name, int type, long[] dims) in _inputs)
        {
            WriteMessage(output, 11, v => WriteValueInfo(v, name, type, dims));
        }

        foreach ((string name, int type, long[] dims) in _outputs)
        {
            WriteMessage(output, 12, v => WriteValueInfo(v, name, type, dims));
        }
    }

    private static void WriteNode(CodedOutputStream output, NodeEntry node)
    {
        foreach (string input in node.Inputs)
        {
            WriteString(output, 1, input);
        }

        foreach (string o in node.Outputs)
        {
            WriteString(output, 2, o);
        }

        WriteString(output, 3, node.Outputs[0]);
        WriteString(output, 4, node.Op);
        foreach (OnnxAttribute attribute in node.Attributes)
        {
            WriteMessage(output, 5, a => WriteAttribute(a, attribute));
        }
    }

    private static void WriteAttribute(CodedOutputStream output, OnnxAttribute attribute)
    {
        WriteString(output, 1, attribute.Name);
        switch (attribute.Type)
        {
            case 1:
                output.WriteTag(2, WireFormat.WireType.Fixed32);
                output.WriteFloat(attribute.FloatValue);
                break;
            case 2:
                output.WriteTag(3, WireFormat.WireType.Varint);
                output.WriteInt64(attribute.IntValue);
                break;
            case 3:
                output.WriteTag(4, WireFormat.WireType.LengthDelimited);
                output.WriteBytes(ByteString.CopyFromUtf8(attribute.StringValue));
                break;
            case 6:
                foreach (float f in attribute.FloatValues)
                {
                    output.WriteTag(7, WireFormat.WireType.Fixed32);
                    output.WriteFloat(f);
                }

                break;
            case 7:
                foreach (long i in attribute.IntValues)
                {
                    output.WriteTag(8, WireFormat.WireType.Varint);
                    output.WriteInt64(i);
                }

                break;
            default:
                throw new InvalidOperationException($"Attribute type {attribute.Type} is not written.");
        }

        output.WriteTag(20, WireFormat.WireType.Varint);
        output.WriteEnum(attribute.Type);
    }

    private static void WriteValueInfo(CodedOutputStream output, string name, int type, long[] dims)
    {
        WriteString(output, 1, name);
        WriteMessage(output, 2, typeProto => WriteMessage(typeProto, 1, tensor =>
        {
            tensor.WriteTag(1, WireFormat.WireType.Varint);
            tensor.WriteInt32(type);
            WriteMessage(tensor, 2, shape =>
            {
                foreach (long d in dims)
                {
                    WriteMessage(shape, 1, dim =>
                    {
                        if (d < 0)
                        {
                            WriteString(dim, 2, BatchAxis);
                        }
                        else
                        {
                            dim.WriteTag(1, WireFormat.WireType.Varint);
                            dim.WriteInt64(d);
                        }
                    });
                }
            });
        }));
    }

    private static void WriteString(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(Encoding.UTF8.GetBytes(value)));
    }

    // A nested message is written to its own buffer first: its length prefix must be known before its bytes.
    private static void WriteMessage(CodedOutputStream output, int field, Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        var inner = new CodedOutputStream(buffer);
        write(inner);
        inner.Flush();
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    private sealed record NodeEntry(string Op, string[] Inputs, string[] Outputs, OnnxAttribute[] Attributes);

    private sealed record WeightEntry(string Name, int Type, long[] Dims, byte[] Raw);
}
