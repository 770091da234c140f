package org.telehub.itests.work;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.persistence.Database;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;

/**
 * {@code POST /itest/work?topic=&n=&payload=&rollback=} submits n items in one transaction, as a domain bundle does
 * in its own transaction, and answers their ids, one a line; {@code rollback=true} rolls that transaction back.
 * Test bundle only: never installed in a product.
 */
@Component(service = Servlet.class, property = "osgi.http.whiteboard.servlet.pattern=/itest/work")
public class SubmitServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient Database db;
    private final transient WorkService work;

    @Activate
    public SubmitServlet(@Reference Database db, @Reference WorkService work) {
        this.db = db;
        this.work = work;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String topic = req.getParameter("topic");
        int n = Integer.parseInt(req.getParameter("n") == null ? "1" : req.getParameter("n"));
        String payload = req.getParameter("payload") == null ? "done" : req.getParameter("payload");
        boolean rollback = Boolean.parseBoolean(req.getParameter("rollback"));
        List<String> ids = new ArrayList<>();
        try {
            db.jdbi().useTransaction(h -> {
                for (int i = 0; i < n; i++) {
                    ids.add(work.submit(h, WorkRequest.of(topic, payload)));
                }
                if (rollback) {
                    throw new IllegalStateException("rolled back as asked");
                }
            });
        } catch (IllegalStateException e) {
            if (!rollback) {
                throw e;
            }
        }
        resp.setContentType("text/plain");
        resp.getWriter().write(String.join("\n", ids));
    }
}
