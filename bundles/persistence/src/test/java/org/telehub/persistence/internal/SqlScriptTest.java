package org.telehub.persistence.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class SqlScriptTest {

    @Test
    void splitsOnTopLevelSemicolonsOnly() {
        String script = """
                -- header; not a statement
                CREATE TABLE a (x VARCHAR(10) DEFAULT 'a;b');
                /* block; comment */ INSERT INTO a VALUES ('it''s; fine');
                CREATE TABLE "odd;name" (y INT)
                """;
        List<String> s = SqlScript.statements(script);
        assertEquals(3, s.size(), s.toString());
        assertEquals("CREATE TABLE a (x VARCHAR(10) DEFAULT 'a;b')", s.get(0));
        assertEquals("INSERT INTO a VALUES ('it''s; fine')", s.get(1));
        assertEquals("CREATE TABLE \"odd;name\" (y INT)", s.get(2));
    }

    @Test
    void emptyAndCommentOnlyScriptsHaveNoStatements() {
        assertEquals(List.of(), SqlScript.statements("-- nothing\n;\n  ;"));
    }
}
