using System.Globalization;
using System.Text;
using AutoEncoders.Serving;

namespace AutoEncoders.Tests.Serving;

/// <summary>The request path's JSON row reader: the same numbers as the general parser, nested rows, and refusals naming where.</summary>
public sealed class JsonRowsParserTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("0.1")]
    [InlineData("0.5176")]
    [InlineData("-3.14159")]
    [InlineData("123456789012345")]
    [InlineData("9007199254740993")]
    [InlineData("0.6274509803921569")]
    [InlineData("0.00000000000000000000001")]
    [InlineData("1e-3")]
    [InlineData("2.5E+2")]
    [InlineData("340282346638528859811704183484516925440")]
    public void A_number_reads_as_the_general_parser_reads_it(string text)
    {
        byte[] body = Encoding.UTF8.GetBytes($"{{\"inputs\": [[{text}]]}}");
        RowsPayload rows = RequestBodyReader.ParseRows("application/json", body, "inputs", [1], 8);
        float expected = (float)double.Parse(text, CultureInfo.InvariantCulture);
        Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(rows.Values[0]));
    }

    [Fact]
    public void The_fast_path_takes_short_decimals_and_leaves_the_rest_to_the_general_parser()
    {
        Assert.True(JsonRowsParser.TryParseShortDecimal("0.5176"u8, out double v));
        Assert.Equal(0.5176, v);
        Assert.False(JsonRowsParser.TryParseShortDecimal("1e-3"u8, out _));
        Assert.False(JsonRowsParser.TryParseShortDecimal("9007199254740993"u8, out _));
        Assert.False(JsonRowsParser.TryParseShortDecimal("0.00000000000000000000001"u8, out _));
    }

    [Fact]
    public void Nested_rows_flatten_in_order_and_other_fields_are_kept()
    {
        byte[] body = Encoding.UTF8.GetBytes("{\"k\": 3, \"inputs\": [[[1, 2], [3, 4]], [[5, 6], [7, 8.5]]]}");
        RowsPayload rows = RequestBodyReader.ParseRows("application/json", body, "inputs", [2, 2], 8);
        Assert.Equal(2, rows.Count);
        Assert.Equal([1f, 2, 3, 4, 5, 6, 7, 8.5f], rows.Values);
        Assert.Equal(3, rows.Options["k"].GetInt32());
    }

    [Theory]
    [InlineData("{\"inputs\": [[[1, 2], [3, \"x\"]]]}", 400, "inputs[0][1][1]")]
    [InlineData("{\"inputs\": [[[1, 2], [3, 4, 5]]]}", 400, "inputs[0][1]")]
    [InlineData("{\"inputs\": [[[1, 2], [3]]]}", 400, "inputs[0]")]
    [InlineData("{\"inputs\": [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]]}", 413, "inputs")]
    [InlineData("{\"inputs\": [[1, 2, 3, 4]]} trailing", 400, "body")]
    [InlineData("[[1, 2, 3, 4]]", 400, "body")]
    public void A_bad_body_is_refused_naming_where(string json, int status, string field)
    {
        RequestRefusedException refused = Assert.Throws<RequestRefusedException>(() =>
            RequestBodyReader.ParseRows("application/json", Encoding.UTF8.GetBytes(json), "inputs", [2, 2], 2));
        Assert.Equal(status, refused.Status);
        Assert.Equal(field, refused.Field);
    }
}
